// Internal declarations shared by the CFaceEngine translation units (not part of the C API).
#pragma once

#include "CFaceEngine.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace fe {

// The only exception type the shim throws on purpose; converted to an fe_error at the C boundary.
struct Failure {
    fe_status status;
    std::string message;
    int64_t value = 0;
    int64_t limit = 0;
};

// 8-bit RGB, row-major, no padding.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> rgb;
};

struct DecodeLimits {
    int64_t max_pixels;
};

// Reads a whole file, refusing missing, unreadable, empty (as FE_ERR_EMPTY) and oversized files.
std::vector<uint8_t> read_file(const char* path, int64_t max_bytes);

// Decodes JPEG or PNG bytes to RGB (grayscale, palette, 16-bit and alpha are converted; alpha is dropped).
// The header's dimensions are checked against limits before any pixel buffer is allocated.
// *orientation receives the JPEG's EXIF orientation (1 when absent); the pixels are NOT yet oriented.
RgbImage decode_image(const uint8_t* data, size_t size, const DecodeLimits& limits, int* orientation);

// Rotates/flips pixels so that an image stored with EXIF `orientation` (1..8) displays upright.
RgbImage apply_orientation(const RgbImage& stored, int orientation);
// The orientation whose transform undoes `orientation`'s (6 <-> 8, the others are their own inverse).
int inverse_orientation(int orientation);

// EXIF orientation from an APP1 payload starting with "Exif\0\0"; 1 when absent or malformed.
int parse_exif_orientation(const uint8_t* app1, size_t size);

// Detection scale for an image of this size under the options (1 = as is).
double detection_scale(int width, int height, const fe_options& options);

// Runs f, converting every exception to a status + message; nothing escapes.
template <class F>
fe_status guarded(fe_error* err, F&& f) noexcept {
    auto fill = [err](fe_status status, const std::string& message, int64_t value, int64_t limit) {
        if (err) {
            err->status = status;
            err->value = value;
            err->limit = limit;
            std::snprintf(err->message, sizeof err->message, "%s", message.c_str());
        }
        return status;
    };
    try {
        f();
        return fill(FE_OK, "", 0, 0);
    } catch (const Failure& failure) {
        return fill(failure.status, failure.message, failure.value, failure.limit);
    } catch (const std::bad_alloc&) {
        return fill(FE_ERR_INTERNAL, "out of memory", 0, 0);
    } catch (const std::exception& e) {
        return fill(FE_ERR_INTERNAL, e.what(), 0, 0);
    } catch (...) {
        return fill(FE_ERR_INTERNAL, "unknown C++ exception", 0, 0);
    }
}

}  // namespace fe
