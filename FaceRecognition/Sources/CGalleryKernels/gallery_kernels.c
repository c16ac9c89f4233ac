// Brute-force nearest-neighbour kernels for the face gallery. C rather than Swift because the int8
// kernels need AVX2/SSE2 multiply-add instructions chosen at run time (one binary for every x86 CPU);
// Swift cannot compile one function for a different target than the rest of its module.
#include "gallery_kernels.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GK_X86 1
#endif

typedef int32_t (*code_distance_fn)(const int16_t *query_wide, const int8_t *row);
typedef float (*float_distance_fn)(const float *a, const float *b);

// ---------------------------------------------------------------------------------------------------
// Portable kernels

static int32_t code_distance_generic(const int16_t *query_wide, const int8_t *row) {
    int32_t sum = 0;
    for (int k = 0; k < GK_DIMENSION; k++) {
        int32_t d = (int32_t)row[k] - query_wide[k];
        sum += d * d;
    }
    return sum;
}

static float float_distance_generic(const float *a, const float *b) {
    // Eight partial sums: the same summation order as the SIMD kernels would be nice but is not needed;
    // callers recompute reported distances in double.
    float partial[8] = {0};
    for (int k = 0; k < GK_DIMENSION; k += 8) {
        for (int j = 0; j < 8; j++) {
            float d = a[k + j] - b[k + j];
            partial[j] += d * d;
        }
    }
    float sum = 0;
    for (int j = 0; j < 8; j++) sum += partial[j];
    return sum;
}

// ---------------------------------------------------------------------------------------------------
// x86 kernels

#ifdef GK_X86
static int32_t code_distance_sse2(const int16_t *query_wide, const int8_t *row) {
    __m128i acc = _mm_setzero_si128();
    for (int k = 0; k < GK_DIMENSION; k += 16) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(row + k));
        // Sign-extend int8 to int16: put each byte in the high half, then shift arithmetically.
        __m128i lo = _mm_srai_epi16(_mm_unpacklo_epi8(bytes, bytes), 8);
        __m128i hi = _mm_srai_epi16(_mm_unpackhi_epi8(bytes, bytes), 8);
        __m128i d0 = _mm_sub_epi16(lo, _mm_loadu_si128((const __m128i *)(query_wide + k)));
        __m128i d1 = _mm_sub_epi16(hi, _mm_loadu_si128((const __m128i *)(query_wide + k + 8)));
        acc = _mm_add_epi32(acc, _mm_madd_epi16(d0, d0));  // |d| <= 254: pairs of squares fit int32
        acc = _mm_add_epi32(acc, _mm_madd_epi16(d1, d1));
    }
    acc = _mm_add_epi32(acc, _mm_shuffle_epi32(acc, 0x4e));
    acc = _mm_add_epi32(acc, _mm_shuffle_epi32(acc, 0xb1));
    return _mm_cvtsi128_si32(acc);
}

static float float_distance_sse2(const float *a, const float *b) {
    __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
    for (int k = 0; k < GK_DIMENSION; k += 8) {
        __m128 d0 = _mm_sub_ps(_mm_loadu_ps(a + k), _mm_loadu_ps(b + k));
        __m128 d1 = _mm_sub_ps(_mm_loadu_ps(a + k + 4), _mm_loadu_ps(b + k + 4));
        acc0 = _mm_add_ps(acc0, _mm_mul_ps(d0, d0));
        acc1 = _mm_add_ps(acc1, _mm_mul_ps(d1, d1));
    }
    float lanes[4];
    _mm_storeu_ps(lanes, _mm_add_ps(acc0, acc1));
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

__attribute__((target("avx2"))) static int32_t code_distance_avx2(const int16_t *query_wide, const int8_t *row) {
    __m256i acc = _mm256_setzero_si256();
    for (int k = 0; k < GK_DIMENSION; k += 16) {
        __m256i wide = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(row + k)));
        __m256i d = _mm256_sub_epi16(wide, _mm256_loadu_si256((const __m256i *)(query_wide + k)));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(d, d));
    }
    __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0x4e));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0xb1));
    return _mm_cvtsi128_si32(sum);
}

__attribute__((target("avx2"))) static float float_distance_avx2(const float *a, const float *b) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    for (int k = 0; k < GK_DIMENSION; k += 16) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k));
        __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + k + 8), _mm256_loadu_ps(b + k + 8));
        acc0 = _mm256_add_ps(acc0, _mm256_mul_ps(d0, d0));
        acc1 = _mm256_add_ps(acc1, _mm256_mul_ps(d1, d1));
    }
    __m256 acc = _mm256_add_ps(acc0, acc1);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    float lanes[4];
    _mm_storeu_ps(lanes, s);
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}
#endif

// ---------------------------------------------------------------------------------------------------
// Dispatch

typedef struct {
    code_distance_fn code_distance;
    float_distance_fn float_distance;
    const char *name;
} kernels;

static kernels select_kernels(void) {
#ifdef GK_X86
    if (__builtin_cpu_supports("avx2")) return (kernels){code_distance_avx2, float_distance_avx2, "avx2"};
    return (kernels){code_distance_sse2, float_distance_sse2, "sse2"};
#else
    return (kernels){code_distance_generic, float_distance_generic, "generic"};
#endif
}

const char *gk_kernel_name(void) { return select_kernels().name; }

// ---------------------------------------------------------------------------------------------------

float gk_quantize(const float *row, int8_t *code, float scale) {
    double error = 0;
    for (int k = 0; k < GK_DIMENSION; k++) {
        float scaled = nearbyintf(row[k] * scale);
        if (!(scaled >= -127.0f)) scaled = -127.0f;  // also catches NaN (callers reject it earlier)
        if (scaled > 127.0f) scaled = 127.0f;
        code[k] = (int8_t)scaled;
        double e = (double)row[k] - (double)scaled / (double)scale;
        error += e * e;
    }
    return (float)sqrt(error);
}

/// Keeps the best row and the best row of another person as exact distances arrive in row order.
static void consider(gk_result *r, const int64_t *person_ids, int64_t index, float squared) {
    if (r->best_index < 0 || squared < r->best_squared) {
        if (r->best_index >= 0 && person_ids[r->best_index] != person_ids[index]) {
            r->runner_up_index = r->best_index;
            r->runner_up_squared = r->best_squared;
        }
        r->best_index = index;
        r->best_squared = squared;
    } else if (person_ids[index] != person_ids[r->best_index]
               && (r->runner_up_index < 0 || squared < r->runner_up_squared)) {
        r->runner_up_index = index;
        r->runner_up_squared = squared;
    }
}

static void reset(gk_result *r) {
    r->best_index = -1;
    r->best_squared = INFINITY;
    r->runner_up_index = -1;
    r->runner_up_squared = INFINITY;
    r->exact_evaluations = 0;
}

/// Largest int8 squared distance that may still hide a row closer than `bound` (float units).
static int64_t code_limit(float bound_squared, float margin, float scale) {
    if (isinf(bound_squared)) return INT64_MAX;
    double limit = (sqrt((double)bound_squared) + (double)margin) * (double)scale;
    return (int64_t)ceil(limit * limit) + 1;
}

void gk_search(const float *query, const int8_t *query_code, float query_error,
               const float *vectors, const int8_t *codes, const int64_t *person_ids, size_t count,
               float scale, float max_row_error, gk_result *result) {
    reset(result);
    if (count == 0) return;
    kernels k = select_kernels();
    int16_t query_wide[GK_DIMENSION] __attribute__((aligned(32)));
    for (int i = 0; i < GK_DIMENSION; i++) query_wide[i] = query_code[i];
    // |d_true - d_code / scale| <= query_error + row_error (triangle inequality); a small extra margin
    // absorbs float rounding in the exact kernels.
    float margin = query_error + max_row_error + 1e-4f;
    int64_t limit = INT64_MAX;
    for (size_t i = 0; i < count; i++) {
        int32_t coarse = k.code_distance(query_wide, codes + i * GK_DIMENSION);
        if ((int64_t)coarse >= limit) continue;
        float exact = k.float_distance(query, vectors + i * GK_DIMENSION);
        result->exact_evaluations++;
        int64_t previous_runner_up = result->runner_up_index;
        float previous_squared = result->runner_up_squared;
        consider(result, person_ids, (int64_t)i, exact);
        if (result->runner_up_index != previous_runner_up || result->runner_up_squared != previous_squared) {
            limit = code_limit(result->runner_up_squared, margin, scale);
        }
    }
}

void gk_search_exhaustive(const float *query, const float *vectors, const int64_t *person_ids,
                          size_t count, gk_result *result) {
    reset(result);
    kernels k = select_kernels();
    for (size_t i = 0; i < count; i++) {
        consider(result, person_ids, (int64_t)i, k.float_distance(query, vectors + i * GK_DIMENSION));
        result->exact_evaluations++;
    }
}
