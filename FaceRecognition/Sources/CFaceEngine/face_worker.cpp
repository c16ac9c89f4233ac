// The engine worker behind the C API: decode -> detect -> landmarks -> chips -> descriptors.
#include "face_models.hpp"

#include <algorithm>
#include <chrono>

extern "C" void openblas_set_num_threads(int);

namespace fe {

double detection_scale(int width, int height, const fe_options& options) {
    const int min_side = std::min(width, height), long_side = std::max(width, height);
    // Upsample small photos, but never past the size large photos are shrunk to (a 399x100000 strip is not small).
    const bool fits_doubled = options.downscale_above_long_side <= 0 || 2 * long_side <= options.downscale_above_long_side;
    if (options.upsample_below_min_side > 0 && min_side < options.upsample_below_min_side && fits_doubled) return 2.0;
    if (options.downscale_above_long_side > 0 && long_side > options.downscale_above_long_side)
        return double(options.downscale_above_long_side) / long_side;
    return 1.0;
}

namespace {

using clock = std::chrono::steady_clock;

double ms_between(clock::time_point a, clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

image_type to_dlib(const RgbImage& image) {
    static_assert(sizeof(dlib::rgb_pixel) == 3, "rgb_pixel must be packed RGB");
    image_type out(image.height, image.width);
    if (!image.rgb.empty()) std::memcpy(&out(0, 0), image.rgb.data(), image.rgb.size());
    return out;
}

}  // namespace
}  // namespace fe

struct fe_worker {
    fe_options options;
    fe::FaceModels models;
};

extern "C" {

fe_options fe_default_options(void) {
    fe_options options{};
    options.detector = FE_DETECTOR_HOG;
    options.max_file_bytes = int64_t(64) << 20;
    options.max_pixels = 40000000;
    options.upsample_below_min_side = 400;
    options.downscale_above_long_side = 1600;
    options.detection_threshold = 0;
    options.apply_exif_orientation = 1;
    options.cnn_fallback = 1;
    options.fallback_max_long_side = FE_DEFAULT_FALLBACK_MAX_LONG_SIDE;
    options.mirror_average = 0;
    return options;
}

int32_t fe_descriptor_version(const fe_options* options) { return options && options->mirror_average ? 2 : 1; }

void fe_set_blas_threads(int n) { openblas_set_num_threads(n < 1 ? 1 : n); }

fe_worker* fe_worker_create(const char* models_dir, const fe_options* options, fe_error* err) {
    fe_worker* created = nullptr;
    fe::guarded(err, [&] {
        auto worker = std::make_unique<fe_worker>();
        worker->options = options ? *options : fe_default_options();
        fe::load_models(worker->models, models_dir, worker->options);
        created = worker.release();
    });
    return created;
}

void fe_worker_destroy(fe_worker* worker) { delete worker; }

static fe_status analyze(fe_worker* worker, const char* path, const uint8_t* data, size_t size, fe_result* out,
                         fe_error* err) {
    if (out) *out = fe_result{};
    return fe::guarded(err, [&] {
        using fe::clock;
        if (!worker || !out) throw fe::Failure{FE_ERR_INVALID_ARGUMENT, "null worker or result"};
        const fe_options& options = worker->options;
        auto& models = worker->models;
        const auto t0 = clock::now();

        std::vector<uint8_t> file;
        if (path) {
            file = fe::read_file(path, options.max_file_bytes);
            data = file.data();
            size = file.size();
        } else {
            if (!data && size > 0) throw fe::Failure{FE_ERR_INVALID_ARGUMENT, "null data"};
            if (size == 0) throw fe::Failure{FE_ERR_EMPTY, "the image data is empty"};
            if (options.max_file_bytes > 0 && int64_t(size) > options.max_file_bytes)
                throw fe::Failure{FE_ERR_FILE_TOO_LARGE, "image data too large", int64_t(size), options.max_file_bytes};
        }
        int orientation = 1;
        fe::RgbImage decoded = fe::decode_image(data, size, fe::DecodeLimits{options.max_pixels}, &orientation);
        file = {};
        if (options.apply_exif_orientation && orientation != 1) decoded = fe::apply_orientation(decoded, orientation);
        const fe::image_type image = fe::to_dlib(decoded);
        decoded = {};
        const auto t1 = clock::now();

        fe::DetectionReport report;
        const std::vector<fe::Detection> detections = fe::detect_faces(models, image, options, &report);
        const auto t2 = clock::now();

        std::vector<dlib::full_object_detection> shapes;
        std::vector<fe::image_type> chips(detections.size());
        for (size_t i = 0; i < detections.size(); ++i) {
            shapes.push_back(models.landmarks(image, detections[i].box));
            dlib::extract_image_chip(image, dlib::get_face_chip_details(shapes.back(), 150, 0.25), chips[i]);
        }
        const auto t3 = clock::now();

        std::vector<dlib::matrix<float, 0, 1>> descriptors;
        if (!chips.empty() && options.mirror_average) {
            // Mirrored chips go through the ResNet in the same batch; each face gets the mean of its pair.
            const size_t n = chips.size();
            chips.resize(2 * n);
            for (size_t i = 0; i < n; ++i) dlib::flip_image_left_right(chips[i], chips[n + i]);
            descriptors = models.descriptors(chips);
            for (size_t i = 0; i < n; ++i) descriptors[i] = (descriptors[i] + descriptors[n + i]) * 0.5f;
            descriptors.resize(n);
        } else if (!chips.empty()) {
            descriptors = models.descriptors(chips);
        }
        const auto t4 = clock::now();

        std::unique_ptr<fe_face[]> faces(detections.empty() ? nullptr : new fe_face[detections.size()]());
        for (size_t i = 0; i < detections.size(); ++i) {
            fe_face& face = faces[i];
            const auto& box = detections[i].box;
            face.left = int32_t(box.left());
            face.top = int32_t(box.top());
            face.right = int32_t(box.right());
            face.bottom = int32_t(box.bottom());
            face.score = detections[i].score;
            for (unsigned k = 0; k < 5 && k < shapes[i].num_parts(); ++k)
                face.landmarks[k] = fe_point{int32_t(shapes[i].part(k).x()), int32_t(shapes[i].part(k).y())};
            for (long k = 0; k < 128; ++k) face.descriptor[k] = descriptors[i](k);
        }
        out->width = int32_t(image.nc());
        out->height = int32_t(image.nr());
        out->exif_orientation = orientation;
        out->detection_scale = report.scale;
        out->detected_by = report.detected_by;
        out->fallback_ran = report.fallback_ran ? 1 : 0;
        out->fallback_scale = report.fallback_scale;
        out->fallback_cpu_ms = report.fallback_cpu_ms;
        out->face_count = int32_t(detections.size());
        out->faces = faces.release();
        out->timings = fe_timings{fe::ms_between(t0, t1), fe::ms_between(t1, t2), fe::ms_between(t2, t3),
                                  fe::ms_between(t3, t4), fe::ms_between(t0, t4)};
    });
}

fe_status fe_analyze_file(fe_worker* worker, const char* path, fe_result* out, fe_error* err) {
    if (!path) {
        if (err) *err = fe_error{FE_ERR_INVALID_ARGUMENT, 0, 0, "null path"};
        return FE_ERR_INVALID_ARGUMENT;
    }
    return analyze(worker, path, nullptr, 0, out, err);
}

fe_status fe_analyze_bytes(fe_worker* worker, const uint8_t* data, size_t size, fe_result* out, fe_error* err) {
    return analyze(worker, nullptr, data, size, out, err);
}

void fe_result_free(fe_result* result) {
    if (!result) return;
    delete[] result->faces;
    result->faces = nullptr;
    result->face_count = 0;
}

}  // extern "C"
