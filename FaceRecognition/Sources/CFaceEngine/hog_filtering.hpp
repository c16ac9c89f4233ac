// HOG detection's separable filtering with AVX2 where the CPU has it.
//
// Why: most of a HOG detection is scan_fhog_pyramid running each separable filter over each feature plane
// (dlib::float_spatially_filter_image_separable). Debian's dlib headers are compiled here without -mavx, so
// dlib's 8-float SIMD type runs as two SSE halves. This explicit specialization, for exactly the types HOG
// uses, runs dlib's loop with one AVX2 instruction per 8 floats, with the same multiply and add per lane (no
// FMA): results are bit-identical to dlib's, which separable_filter_matches_dlib() checks at model load.
// Every translation unit that runs the HOG detector must see this declaration (face_models.hpp includes it).
#pragma once

#include <dlib/array2d.h>
#include <dlib/image_transforms/spatial_filtering.h>
#include <dlib/matrix.h>

namespace dlib {
template <>
rectangle float_spatially_filter_image_separable<array2d<float>, array2d<float>, matrix<float, 0, 1>, matrix<float, 0, 1>>(
    const array2d<float>& in_img, array2d<float>& out_img, const matrix_exp<matrix<float, 0, 1>>& row_filter,
    const matrix_exp<matrix<float, 0, 1>>& col_filter, array2d<float>& scratch, bool add_to);
}  // namespace dlib

namespace fe {
// True when the filtering above gives dlib's own results bit for bit on probe images (or has no AVX2 to use).
bool separable_filter_matches_dlib();
}  // namespace fe
