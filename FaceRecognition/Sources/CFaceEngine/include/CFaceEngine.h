/* CFaceEngine: a small C API over dlib's face pipeline (decode -> detect -> 5-point landmarks ->
 * aligned 150x150 chip -> 128-d ResNet descriptor).
 *
 * Rules of the boundary:
 * - No C++ exception ever crosses it: every call returns an fe_status and fills an fe_error.
 * - One fe_worker is NOT thread-safe (dlib nets keep scratch buffers); use one per thread.
 *   Different fe_workers may run concurrently.
 */
#ifndef CFACEENGINE_H
#define CFACEENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fe_status {
    FE_OK = 0,
    FE_ERR_FILE_NOT_FOUND = 1,   /* path does not exist */
    FE_ERR_UNREADABLE = 2,       /* exists but cannot be read (permissions, a directory, I/O error) */
    FE_ERR_FILE_TOO_LARGE = 3,   /* byte size over the limit: value = size, limit = limit */
    FE_ERR_EMPTY = 4,            /* zero bytes */
    FE_ERR_NOT_AN_IMAGE = 5,     /* neither JPEG nor PNG signature */
    FE_ERR_UNSUPPORTED = 6,      /* a recognised image format we do not decode (GIF, WebP, ...) */
    FE_ERR_CORRUPT = 7,          /* JPEG/PNG signature but broken or truncated data */
    FE_ERR_TOO_MANY_PIXELS = 8,  /* header dimensions over the pixel limit: value = pixels, limit = limit */
    FE_ERR_MODELS = 9,           /* model files missing or unreadable (worker creation) */
    FE_ERR_INVALID_ARGUMENT = 10,
    FE_ERR_INTERNAL = 11         /* unexpected failure (out of memory, dlib error) */
} fe_status;

typedef struct fe_error {
    fe_status status;
    int64_t value;
    int64_t limit;
    char message[512];
} fe_error;

typedef enum fe_detector_kind {
    FE_DETECTOR_HOG = 0, /* dlib::get_frontal_face_detector() */
    FE_DETECTOR_CNN = 1  /* dlib mmod_human_face_detector.dat (slow on CPU, ~2 GB RSS) */
} fe_detector_kind;

typedef struct fe_options {
    fe_detector_kind detector;
    int64_t max_file_bytes;            /* refuse files larger than this */
    int64_t max_pixels;                /* refuse images whose header claims more pixels than this */
    /* Detection scale: images whose shorter side is below upsample_below_min_side are doubled
     * (like face_recognition's number_of_times_to_upsample=1) unless that would take the longer side past
 * downscale_above_long_side; images whose longer side is above
     * downscale_above_long_side are shrunk to that size. 0 disables either rule. Boxes are mapped back
     * to original coordinates; landmarks and descriptors always use the full-resolution image. */
    int32_t upsample_below_min_side;
    int32_t downscale_above_long_side;
    double detection_threshold;        /* dlib adjust_threshold; 0 = dlib default */
    int32_t apply_exif_orientation;    /* 1 = rotate/flip JPEGs by their EXIF orientation tag */
    /* Recall fallback of the HOG detector: when HOG finds no face, 1 = run the CNN (mmod) detector once,
     * on the image as decoded (never upsampled: mmod finds faces from ~40 px) or shrunk so its longer side
     * is at most fallback_max_long_side (this bounds the fallback's time and memory, ~1.7 CPU-us per
     * pixel; 0 = no bound). Photos where HOG finds a face never pay for it.
     * Ignored with FE_DETECTOR_CNN. Needs mmod_human_face_detector.dat. */
    int32_t cnn_fallback;
    int32_t fallback_max_long_side;
    /* 1 = each face's descriptor is the mean of the ResNet's descriptors of its aligned chip and of the
     * chip mirrored left-right (a second ResNet pass per face: ~+1 descriptor_ms). Less noise from
     * lighting and pose asymmetry; descriptors differ from the plain ones (see fe_descriptor_version). */
    int32_t mirror_average;
} fe_options;

/* The descriptor version the options produce: 1 = the sample's (plain chip), 2 = mirror-averaged.
 * Descriptors of different versions are close but not interchangeable; stores keep them apart. */
int32_t fe_descriptor_version(const fe_options* options);

/* Sensible defaults: HOG, 64 MiB files, 40 Mpx, upsample below 400 px, downscale above 1600 px,
 * CNN fallback on at most FE_DEFAULT_FALLBACK_MAX_LONG_SIDE px. */
#define FE_DEFAULT_FALLBACK_MAX_LONG_SIDE 640
fe_options fe_default_options(void);

typedef struct fe_point {
    int32_t x;
    int32_t y;
} fe_point;

typedef struct fe_face {
    int32_t left, top, right, bottom; /* original image coordinates, dlib convention */
    double score;                     /* detector confidence */
    fe_point landmarks[5];
    float descriptor[128];
} fe_face;

typedef struct fe_timings {
    double decode_ms;     /* read + decode + orientation */
    double detect_ms;     /* scale + detector */
    double landmarks_ms;  /* shape predictor + chip extraction */
    double descriptor_ms; /* ResNet */
    double total_ms;
} fe_timings;

typedef struct fe_result {
    int32_t width;              /* after EXIF orientation */
    int32_t height;
    int32_t exif_orientation;   /* 1..8, 1 when absent */
    double detection_scale;     /* factor applied before detection (2 = upsampled, <1 = shrunk) */
    int32_t face_count;
    fe_face* faces;             /* face_count entries, owned by the result */
    fe_timings timings;
    fe_detector_kind detected_by; /* the detector whose faces these are (CNN when the fallback found them) */
    int32_t fallback_ran;         /* 1 = HOG found nothing and the CNN fallback ran (its time is in detect_ms) */
    double fallback_scale;        /* factor applied before the fallback detector (0 when it did not run) */
    double fallback_cpu_ms;       /* CPU time of the worker thread in the fallback (0 when it did not run) */
} fe_result;

typedef struct fe_worker fe_worker;

/* Loads the detector, the 5-point shape predictor and the ResNet from models_dir.
 * Returns NULL and fills err on failure. Safe to call from several threads at once. */
fe_worker* fe_worker_create(const char* models_dir, const fe_options* options, fe_error* err);
void fe_worker_destroy(fe_worker* worker);

/* Full pipeline on a file or on encoded bytes. On success *out must be released with fe_result_free. */
fe_status fe_analyze_file(fe_worker* worker, const char* path, fe_result* out, fe_error* err);
fe_status fe_analyze_bytes(fe_worker* worker, const uint8_t* data, size_t size, fe_result* out, fe_error* err);
void fe_result_free(fe_result* result);

/* Limits the BLAS library to n threads (the engine parallelises across workers instead). */
void fe_set_blas_threads(int n);

/* ---- Support for tests and benchmarks ---- */

/* Decodes an image (no orientation applied), transforms its pixels with the inverse of EXIF
 * `orientation` (1..8) and encodes it as a JPEG carrying that orientation tag: a viewer that honours
 * the tag shows the original picture. grayscale = 1 writes a single-channel JPEG.
 * *out_data is malloc'ed; release with fe_bytes_free. */
fe_status fe_encode_jpeg_with_orientation(const uint8_t* data, size_t size, int32_t orientation, int32_t quality,
                                          int32_t grayscale, uint8_t** out_data, size_t* out_size, fe_error* err);
void fe_bytes_free(uint8_t* data);

typedef struct fe_raw_benchmark {
    double seconds;          /* wall time of the whole run */
    int64_t images;          /* images processed (iterations * count * threads) */
    int64_t faces;           /* faces found over the whole run */
} fe_raw_benchmark;

/* The same pipeline as a plain C++ loop over dlib (dlib::load_image, the same detection scale rules,
 * shape predictor, chips, ResNet), with no engine around it: each of `threads` threads loads its own
 * models and processes every path `iterations` times. Model loading is not timed. */
fe_status fe_raw_pipeline_benchmark(const char* models_dir, const fe_options* options, const char* const* paths,
                                    int32_t count, int32_t iterations, int32_t threads, fe_raw_benchmark* out,
                                    fe_error* err);

/* How far the engine's descriptor network (its own forward pass from dlib's weights) is from dlib's network
 * on the faces of one photo: both run on the same face chips (and their mirror images), decoded and found as
 * the raw benchmark does. *faces receives the number of faces, *max_difference the largest difference of
 * any descriptor component. For tests and benchmarks; the service checks a probe at every model load. */
fe_status fe_descriptor_difference_from_dlib(const char* models_dir, const char* path, int32_t* faces,
                                             float* max_difference, fe_error* err);

#ifdef __cplusplus
}
#endif

#endif
