// See hog_filtering.hpp. The two passes mirror dlib's loops in spatial_filtering.h one for one.
#include "hog_filtering.hpp"

#include <immintrin.h>

#include <cstring>
#include <random>

namespace {

using image = dlib::array2d<float>;
using filter = dlib::matrix<float, 0, 1>;

bool cpu_has_avx2() {
    static const bool has = __builtin_cpu_supports("avx2");
    return has;
}

// dlib's own code: a filter expression of another type (matrix_cast) instantiates dlib's template, not
// the specialization.
dlib::rectangle filter_with_dlib(const image& in, image& out, const filter& row, const filter& col, image& scratch,
                                 bool add_to) {
    return dlib::float_spatially_filter_image_separable(in, out, dlib::matrix_cast<float>(row),
                                                        dlib::matrix_cast<float>(col), scratch, add_to);
}

__attribute__((target("avx2"))) inline __m256 tap(__m256 sum, const float* pixels, float weight) {
    return _mm256_add_ps(sum, _mm256_mul_ps(_mm256_loadu_ps(pixels), _mm256_set1_ps(weight)));
}

__attribute__((target("avx2"))) dlib::rectangle filter_with_avx2(const image& in, image& out, const filter& row,
                                                                  const filter& col, image& scratch, bool add_to) {
    if (in.size() == 0) {
        out.clear();
        return dlib::rectangle();
    }
    out.set_size(in.nr(), in.nc());
    const long rn = row.size(), cn = col.size();
    const long first_row = cn / 2, first_col = rn / 2;
    const long last_row = in.nr() - ((cn - 1) / 2), last_col = in.nc() - ((rn - 1) / 2);
    const dlib::rectangle non_border(first_col, first_row, last_col - 1, last_row - 1);
    if (!add_to) dlib::zero_border_pixels(out, non_border);
    scratch.set_size(in.nr(), in.nc());

    for (long r = 0; r < in.nr(); ++r) {
        const float* src = &in[r][0];
        float* dst = &scratch[r][0];
        long c = first_col;
        for (; c < last_col - 7; c += 8) {
            __m256 sum = _mm256_setzero_ps(), sum2 = _mm256_setzero_ps(), sum3 = _mm256_setzero_ps();
            long n = 0;
            for (; n < rn - 2; n += 3) {
                sum = tap(sum, src + c - first_col + n, row(n));
                sum2 = tap(sum2, src + c - first_col + n + 1, row(n + 1));
                sum3 = tap(sum3, src + c - first_col + n + 2, row(n + 2));
            }
            for (; n < rn; ++n) sum = tap(sum, src + c - first_col + n, row(n));
            _mm256_storeu_ps(dst + c, _mm256_add_ps(sum, _mm256_add_ps(sum2, sum3)));
        }
        for (; c < last_col; ++c) {
            float sum = 0;
            for (long n = 0; n < rn; ++n) sum += src[c - first_col + n] * row(n);
            dst[c] = sum;
        }
    }

    const long stride = in.nc();
    for (long r = first_row; r < last_row; ++r) {
        const float* src = &scratch[r - first_row][0];
        float* dst = &out[r][0];
        long c = first_col;
        for (; c < last_col - 7; c += 8) {
            __m256 sum = _mm256_setzero_ps(), sum2 = _mm256_setzero_ps(), sum3 = _mm256_setzero_ps();
            long m = 0;
            for (; m < cn - 2; m += 3) {
                sum = tap(sum, src + m * stride + c, col(m));
                sum2 = tap(sum2, src + (m + 1) * stride + c, col(m + 1));
                sum3 = tap(sum3, src + (m + 2) * stride + c, col(m + 2));
            }
            for (; m < cn; ++m) sum = tap(sum, src + m * stride + c, col(m));
            sum = _mm256_add_ps(sum, _mm256_add_ps(sum2, sum3));
            if (add_to) sum = _mm256_add_ps(sum, _mm256_loadu_ps(dst + c));
            _mm256_storeu_ps(dst + c, sum);
        }
        for (; c < last_col; ++c) {
            float sum = 0;
            for (long m = 0; m < cn; ++m) sum += src[m * stride + c] * col(m);
            if (add_to) dst[c] += sum;
            else dst[c] = sum;
        }
    }
    return non_border;
}

}  // namespace

namespace dlib {
template <>
rectangle float_spatially_filter_image_separable<array2d<float>, array2d<float>, matrix<float, 0, 1>, matrix<float, 0, 1>>(
    const array2d<float>& in_img, array2d<float>& out_img, const matrix_exp<matrix<float, 0, 1>>& row_filter,
    const matrix_exp<matrix<float, 0, 1>>& col_filter, array2d<float>& scratch, bool add_to) {
    if (cpu_has_avx2()) return filter_with_avx2(in_img, out_img, row_filter.ref(), col_filter.ref(), scratch, add_to);
    return filter_with_dlib(in_img, out_img, row_filter.ref(), col_filter.ref(), scratch, add_to);
}
}  // namespace dlib

namespace fe {

bool separable_filter_matches_dlib() {
    if (!cpu_has_avx2()) return true;
    std::mt19937 random(20261202);
    std::uniform_real_distribution<float> value(-1.0f, 1.0f);
    // Sizes around HOG's (filters up to ~10 taps, planes of any width: both SIMD and scalar columns).
    const long shapes[][4] = {{37, 53, 10, 10}, {20, 9, 3, 7}, {64, 71, 5, 1}, {12, 100, 1, 4}, {30, 30, 8, 9}};
    for (const auto& shape : shapes) {
        image in(shape[0], shape[1]);
        for (long r = 0; r < in.nr(); ++r)
            for (long c = 0; c < in.nc(); ++c) in[r][c] = value(random);
        filter row(shape[2]), col(shape[3]);
        for (long i = 0; i < row.size(); ++i) row(i) = value(random);
        for (long i = 0; i < col.size(); ++i) col(i) = value(random);
        for (const bool add_to : {false, true}) {
            image ours, theirs, scratch;
            if (add_to) {
                ours.set_size(in.nr(), in.nc());
                theirs.set_size(in.nr(), in.nc());
                for (long r = 0; r < in.nr(); ++r)
                    for (long c = 0; c < in.nc(); ++c) ours[r][c] = theirs[r][c] = value(random);
            }
            const auto a = filter_with_avx2(in, ours, row, col, scratch, add_to);
            const auto b = filter_with_dlib(in, theirs, row, col, scratch, add_to);
            if (a != b || ours.nr() != theirs.nr() || ours.nc() != theirs.nc()) return false;
            for (long r = 0; r < ours.nr(); ++r)
                if (std::memcmp(&ours[r][0], &theirs[r][0], sizeof(float) * size_t(ours.nc())) != 0) return false;
        }
    }
    return true;
}

}  // namespace fe
