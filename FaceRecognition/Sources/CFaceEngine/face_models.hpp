// dlib network types and model loading shared by the engine worker and the raw benchmark.
#pragma once

#include "descriptor_resnet.hpp"
#include "engine_internal.hpp"
#include "hog_filtering.hpp"

#include <dlib/dnn.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <sys/stat.h>
#include <ctime>

namespace fe {

// The ResNet of dlib's dnn_face_recognition_ex.cpp (dlib_face_recognition_resnet_model_v1.dat).
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = dlib::add_prev1<block<N, BN, 1, dlib::tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = dlib::add_prev2<dlib::avg_pool<2, 2, 2, 2, dlib::skip1<dlib::tag2<block<N, BN, 2, dlib::tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<dlib::con<N, 3, 3, 1, 1, dlib::relu<BN<dlib::con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET> using ares = dlib::relu<residual<block, N, dlib::affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = dlib::relu<residual_down<block, N, dlib::affine, SUBNET>>;
template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;
using descriptor_net = dlib::loss_metric<dlib::fc_no_bias<128, dlib::avg_pool_everything<
    alevel0<alevel1<alevel2<alevel3<alevel4<dlib::max_pool<3, 3, 2, 2, dlib::relu<dlib::affine<
    dlib::con<32, 7, 7, 2, 2, dlib::input_rgb_image_sized<150>>>>>>>>>>>>>;

// The CNN face detector of dlib's dnn_mmod_face_detection_ex.cpp (mmod_human_face_detector.dat).
template <long num_filters, typename SUBNET> using con5d = dlib::con<num_filters, 5, 5, 2, 2, SUBNET>;
template <long num_filters, typename SUBNET> using con5 = dlib::con<num_filters, 5, 5, 1, 1, SUBNET>;
template <typename SUBNET>
using downsampler = dlib::relu<dlib::affine<con5d<32, dlib::relu<dlib::affine<con5d<32, dlib::relu<dlib::affine<con5d<16, SUBNET>>>>>>>>>;
template <typename SUBNET> using rcon5 = dlib::relu<dlib::affine<con5<45, SUBNET>>>;
using cnn_detector_net = dlib::loss_mmod<dlib::con<1, 9, 9, 1, 1, rcon5<rcon5<rcon5<downsampler<
    dlib::input_rgb_image_pyramid<dlib::pyramid_down<6>>>>>>>>;

using image_type = dlib::matrix<dlib::rgb_pixel>;

// One thread's models.
struct FaceModels {
    fe_detector_kind detector_kind = FE_DETECTOR_HOG;
    dlib::frontal_face_detector hog;
    std::unique_ptr<cnn_detector_net> cnn;
    dlib::shape_predictor landmarks;
    // The descriptors the engine computes (the ResNet's forward pass from dlib's weights, faster).
    DescriptorResNet descriptors;
    // dlib's own network: freed once the forward pass above is checked against it, unless kept (the raw
    // dlib benchmark runs it).
    std::unique_ptr<descriptor_net> dlib_descriptors;
};

inline std::string model_path(const std::string& dir, const char* name) {
    std::string path = dir + "/" + name;
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
        throw Failure{FE_ERR_MODELS, "missing model file " + path +
                                         " (run scripts/fetch-test-data.sh or set FACE_MODELS_DIR)"};
    return path;
}

// Probe chips for the load-time check: fixed, busy patterns (every pixel differs from its neighbours).
inline std::vector<image_type> probe_chips() {
    std::vector<image_type> chips(2, image_type(150, 150));
    for (long r = 0; r < 150; ++r)
        for (long c = 0; c < 150; ++c) {
            const auto v = [&](long k) { return (unsigned char)((r * 7 + c * 13 + k * 50 + (r * c) % 31) % 256); };
            chips[0](r, c) = dlib::rgb_pixel(v(0), v(1), v(2));
            chips[1](r, 149 - c) = dlib::rgb_pixel(v(2), v(0), v(1));
        }
    return chips;
}

// Largest difference, over every component of the chips' descriptors, between the engine's forward pass
// and dlib's (the load-time check runs it on probe_chips(), the reference test on real faces).
inline float descriptor_difference_from_dlib(const DescriptorResNet& ours, descriptor_net& dlib_net,
                                             const std::vector<image_type>& chips) {
    if (chips.empty()) return 0;
    const auto a = ours(chips);
    const auto b = dlib_net(chips);
    float worst = 0;
    for (size_t i = 0; i < chips.size(); ++i) worst = std::max(worst, float(dlib::max(dlib::abs(a[i] - b[i]))));
    return worst;
}

inline void load_models(FaceModels& models, const char* models_dir, const fe_options& options,
                        bool keep_dlib_descriptors = false) {
    if (!models_dir || !*models_dir) throw Failure{FE_ERR_MODELS, "no models directory given"};
    const std::string dir = models_dir;
    const fe_detector_kind kind = options.detector;
    const bool needs_cnn = kind == FE_DETECTOR_CNN || options.cnn_fallback;
    const std::string landmarks = model_path(dir, "shape_predictor_5_face_landmarks.dat");
    const std::string resnet = model_path(dir, "dlib_face_recognition_resnet_model_v1.dat");
    const std::string mmod = needs_cnn ? model_path(dir, "mmod_human_face_detector.dat") : "";
    try {
        models.detector_kind = kind;
        models.hog = dlib::get_frontal_face_detector();
        dlib::deserialize(landmarks) >> models.landmarks;
        models.dlib_descriptors = std::make_unique<descriptor_net>();
        dlib::deserialize(resnet) >> *models.dlib_descriptors;
        if (needs_cnn) {
            models.cnn = std::make_unique<cnn_detector_net>();
            dlib::deserialize(mmod) >> *models.cnn;
        }
    } catch (const dlib::serialization_error& e) {
        throw Failure{FE_ERR_MODELS, std::string("cannot load a model from ") + dir + ": " + e.what()};
    }
    // Checked once per process: the AVX2 filtering must equal dlib's bit for bit (same boxes and scores).
    static const bool filtering_matches = separable_filter_matches_dlib();
    if (!filtering_matches)
        throw Failure{FE_ERR_INTERNAL, "the AVX2 HOG filtering differs from dlib's on this CPU (hog_filtering.cpp)"};
    models.descriptors.load(*models.dlib_descriptors);
    // Off by more than float rounding means the forward pass and the model file disagree: refuse to start.
    const float difference = descriptor_difference_from_dlib(models.descriptors, *models.dlib_descriptors, probe_chips());
    if (!(difference < 1e-4f))
        throw Failure{FE_ERR_MODELS, "the engine's descriptor network differs from dlib's by " +
                                         std::to_string(difference) + " on the probe chips (model " + resnet + ")"};
    if (!keep_dlib_descriptors) models.dlib_descriptors.reset();
}

struct Detection {
    dlib::rectangle box;  // original image coordinates
    double score;
};

// Which detector found the faces, and whether (and at what scale) the CNN fallback ran.
struct DetectionReport {
    double scale = 1.0;
    fe_detector_kind detected_by = FE_DETECTOR_HOG;
    bool fallback_ran = false;
    double fallback_scale = 0.0;
    double fallback_cpu_ms = 0.0;
};

// CPU time of the calling thread: what a stage costs, whatever else runs on the machine.
inline double thread_cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// Runs one detector on the image scaled by `scale` (2 = dlib's pyramid_up, else bilinear) and maps the
// boxes back to the image's coordinates.
inline std::vector<Detection> detect_at_scale(FaceModels& models, fe_detector_kind kind, const image_type& image,
                                              double scale, double threshold) {
    image_type scaled;
    const image_type* input = &image;
    const dlib::pyramid_down<2> pyramid;
    if (scale == 2.0) {
        dlib::pyramid_up(image, scaled, pyramid);
        input = &scaled;
    } else if (scale != 1.0) {
        scaled.set_size(std::max(1L, std::lround(image.nr() * scale)), std::max(1L, std::lround(image.nc() * scale)));
        dlib::resize_image(image, scaled);  // bilinear
        input = &scaled;
    }
    std::vector<Detection> found;
    if (kind == FE_DETECTOR_CNN) {
        for (const auto& d : (*models.cnn)(*input)) found.push_back({d.rect, d.detection_confidence});
    } else {
        std::vector<dlib::rect_detection> dets;
        models.hog(*input, dets, threshold);
        for (const auto& d : dets) found.push_back({d.rect, d.detection_confidence});
    }
    if (scale == 2.0) {
        for (auto& d : found) d.box = pyramid.rect_down(d.box);  // as dlib's Python API maps upsampled boxes
    } else if (scale != 1.0) {
        // resize_image maps output pixel p to input pixel p * (in - 1) / (out - 1).
        const double sx = double(image.nc() - 1) / std::max(1L, scaled.nc() - 1);
        const double sy = double(image.nr() - 1) / std::max(1L, scaled.nr() - 1);
        for (auto& d : found)
            d.box = dlib::rectangle(std::lround(d.box.left() * sx), std::lround(d.box.top() * sy),
                                    std::lround(d.box.right() * sx), std::lround(d.box.bottom() * sy));
    }
    return found;
}

// The CNN fallback's scale: never upsampled (mmod finds faces down to ~40 px, half HOG's 80 px window, so
// it needs no pyramid_up; on 250x250 LFW photos 1x costs ~0.11 CPU-s, 2x ~4x that), and shrunk so the
// longer side stays within the bound (cost grows with pixels, ~1.7 CPU-us per pixel).
inline double fallback_scale(const image_type& image, const fe_options& options) {
    const long long_side = std::max(image.nc(), image.nr());
    if (options.fallback_max_long_side <= 0 || long_side <= options.fallback_max_long_side) return 1.0;
    return double(options.fallback_max_long_side) / long_side;
}

// Detects faces at the scale the options choose for this image; with HOG and the fallback on, a photo
// where HOG finds nothing goes once through the CNN. Boxes are in the image's coordinates.
inline std::vector<Detection> detect_faces(FaceModels& models, const image_type& image, const fe_options& options,
                                           DetectionReport* report) {
    const double scale = detection_scale(image.nc(), image.nr(), options);
    report->scale = scale;
    report->detected_by = models.detector_kind;
    std::vector<Detection> found = detect_at_scale(models, models.detector_kind, image, scale, options.detection_threshold);
    if (found.empty() && models.detector_kind == FE_DETECTOR_HOG && options.cnn_fallback && models.cnn) {
        report->fallback_ran = true;
        report->fallback_scale = fallback_scale(image, options);
        const double cpu_start = thread_cpu_ms();
        found = detect_at_scale(models, FE_DETECTOR_CNN, image, report->fallback_scale, 0);
        report->fallback_cpu_ms = thread_cpu_ms() - cpu_start;
        report->detected_by = FE_DETECTOR_CNN;
    }
    // Highest confidence first; ties by position so the order never depends on anything else.
    std::sort(found.begin(), found.end(), [](const Detection& a, const Detection& b) {
        if (a.score != b.score) return a.score > b.score;
        if (a.box.top() != b.box.top()) return a.box.top() < b.box.top();
        return a.box.left() < b.box.left();
    });
    return found;
}

}  // namespace fe
