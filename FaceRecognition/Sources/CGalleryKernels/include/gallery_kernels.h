#ifndef GALLERY_KERNELS_H
#define GALLERY_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Descriptor length (dlib ResNet).
#define GK_DIMENSION 128

/// Nearest gallery row and the nearest row of a different person. Indices are -1 when absent.
/// Distances are squared euclidean, float32.
typedef struct {
    int64_t best_index;
    float best_squared;
    int64_t runner_up_index;
    float runner_up_squared;
    /// Rows whose exact float distance was computed (the rest were pruned by the int8 bound).
    int64_t exact_evaluations;
} gk_result;

/// Quantises one 128-float row to int8 (`round(v * scale)`, clamped) and returns the euclidean norm of
/// the quantisation error in float units, which bounds how far the int8 distance can be off.
float gk_quantize(const float *row, int8_t *code, float scale);

/// Nearest neighbour and runner-up (best row of a person other than the nearest one's) over `count` rows.
///
/// A first pass computes exact integer distances between int8 codes (4x less memory traffic than
/// floats); a row's exact float distance is computed only when the int8 bound says it could beat the
/// current runner-up. The result equals an exhaustive float scan (same rows, first-seen wins ties).
void gk_search(const float *query, const int8_t *query_code, float query_error,
               const float *vectors, const int8_t *codes, const int64_t *person_ids, size_t count,
               float scale, float max_row_error, gk_result *result);

/// The same answer from an exhaustive float scan (reference for tests and benchmarks).
void gk_search_exhaustive(const float *query, const float *vectors, const int64_t *person_ids,
                          size_t count, gk_result *result);

/// Name of the kernel `gk_search` uses on this CPU ("avx2", "sse2" or "generic").
const char *gk_kernel_name(void);

#ifdef __cplusplus
}
#endif

#endif
