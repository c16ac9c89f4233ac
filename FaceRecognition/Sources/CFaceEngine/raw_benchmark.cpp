// The reference the benchmark compares the engine against: the same pipeline as a plain C++ loop over
// dlib (dlib::load_image, detector, shape predictor, chips, dlib's own ResNet) with nothing around it.
#include "face_models.hpp"

#include <dlib/image_io.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

extern "C" fe_status fe_raw_pipeline_benchmark(const char* models_dir, const fe_options* options_in,
                                               const char* const* paths, int32_t count, int32_t iterations,
                                               int32_t threads, fe_raw_benchmark* out, fe_error* err) {
    return fe::guarded(err, [&] {
        if (!paths || count < 1 || iterations < 1 || threads < 1 || !out)
            throw fe::Failure{FE_ERR_INVALID_ARGUMENT, "bad benchmark arguments"};
        const fe_options options = options_in ? *options_in : fe_default_options();
        std::vector<std::string> files(paths, paths + count);

        // Load every thread's models first; time only the loop.
        std::vector<std::unique_ptr<fe::FaceModels>> models(threads);
        for (auto& m : models) {
            m = std::make_unique<fe::FaceModels>();
            fe::load_models(*m, models_dir, options, /*keep_dlib_descriptors=*/true);
        }
        std::atomic<int64_t> faces{0};
        std::mutex failure_lock;
        std::string failure;

        const auto start = std::chrono::steady_clock::now();
        std::vector<std::thread> workers;
        for (int32_t t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                try {
                    fe::FaceModels& m = *models[t];
                    fe::image_type image;
                    for (int32_t i = 0; i < iterations; ++i) {
                        for (const auto& file : files) {
                            dlib::load_image(image, file);
                            fe::DetectionReport report;
                            auto dets = fe::detect_faces(m, image, options, &report);
                            std::vector<fe::image_type> chips(dets.size());
                            for (size_t k = 0; k < dets.size(); ++k) {
                                auto shape = m.landmarks(image, dets[k].box);
                                dlib::extract_image_chip(image, dlib::get_face_chip_details(shape, 150, 0.25), chips[k]);
                            }
                            if (!chips.empty()) {
                                auto descriptors = (*m.dlib_descriptors)(chips);
                                faces += int64_t(descriptors.size());
                            }
                        }
                    }
                } catch (const std::exception& e) {
                    std::lock_guard<std::mutex> lock(failure_lock);
                    failure = e.what();
                }
            });
        }
        for (auto& w : workers) w.join();
        const auto end = std::chrono::steady_clock::now();
        if (!failure.empty()) throw fe::Failure{FE_ERR_INTERNAL, "raw pipeline failed: " + failure};
        out->seconds = std::chrono::duration<double>(end - start).count();
        out->images = int64_t(iterations) * count * threads;
        out->faces = faces.load();
    });
}

extern "C" fe_status fe_descriptor_difference_from_dlib(const char* models_dir, const char* path, int32_t* faces,
                                                         float* max_difference, fe_error* err) {
    return fe::guarded(err, [&] {
        if (!path || !faces || !max_difference) throw fe::Failure{FE_ERR_INVALID_ARGUMENT, "null argument"};
        const fe_options options = fe_default_options();
        fe::FaceModels m;
        fe::load_models(m, models_dir, options, /*keep_dlib_descriptors=*/true);
        fe::image_type image;
        dlib::load_image(image, path);
        fe::DetectionReport report;
        const auto dets = fe::detect_faces(m, image, options, &report);
        std::vector<fe::image_type> chips(2 * dets.size());
        for (size_t k = 0; k < dets.size(); ++k) {
            const auto shape = m.landmarks(image, dets[k].box);
            dlib::extract_image_chip(image, dlib::get_face_chip_details(shape, 150, 0.25), chips[k]);
            dlib::flip_image_left_right(chips[k], chips[dets.size() + k]);
        }
        *faces = int32_t(dets.size());
        *max_difference = fe::descriptor_difference_from_dlib(m.descriptors, *m.dlib_descriptors, chips);
    });
}
