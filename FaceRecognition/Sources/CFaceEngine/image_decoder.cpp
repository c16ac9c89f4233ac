// JPEG and PNG decoding with libjpeg(-turbo) and libpng, hardened for untrusted input:
// header dimensions are checked before allocating pixels, truncation is an error (libjpeg would
// otherwise pad with gray), and library errors come back as Failure instead of exit()/abort().
//
// libjpeg and libpng report errors by longjmp. Every object with a destructor used after setjmp is
// declared before it, so the jump never skips a C++ destructor.
#include "engine_internal.hpp"

#include <csetjmp>
#include <cstdio>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

namespace fe {
namespace {

bool starts_with(const uint8_t* data, size_t size, const char* magic, size_t n, size_t offset = 0) {
    return size >= offset + n && std::memcmp(data + offset, magic, n) == 0;
}

// ---- JPEG ----

struct JpegErrorManager {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
    auto* manager = reinterpret_cast<JpegErrorManager*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, manager->message);
    std::longjmp(manager->jump, 1);
}

void jpeg_message(j_common_ptr cinfo, int level) {
    // A missing end of data is a warning to libjpeg (it pads the rest with gray); for us it is a
    // truncated upload. Other warnings (extraneous bytes and the like) are common in real photos.
    if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) jpeg_fail(cinfo);
}

RgbImage decode_jpeg(const uint8_t* data, size_t size, const DecodeLimits& limits, int* orientation) {
    jpeg_decompress_struct cinfo;
    JpegErrorManager errors;
    RgbImage image;
    std::vector<uint8_t> cmyk_row;
    cinfo.err = jpeg_std_error(&errors.pub);
    errors.pub.error_exit = jpeg_fail;
    errors.pub.emit_message = jpeg_message;
    errors.message[0] = 0;
    if (setjmp(errors.jump)) {
        jpeg_destroy_decompress(&cinfo);
        throw Failure{FE_ERR_CORRUPT, std::string("JPEG: ") + errors.message};
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);

    const int64_t pixels = int64_t(cinfo.image_width) * int64_t(cinfo.image_height);
    if (limits.max_pixels > 0 && pixels > limits.max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        throw Failure{FE_ERR_TOO_MANY_PIXELS,
                      "JPEG header claims " + std::to_string(cinfo.image_width) + "x" +
                          std::to_string(cinfo.image_height),
                      pixels, limits.max_pixels};
    }
    *orientation = 1;
    for (jpeg_saved_marker_ptr marker = cinfo.marker_list; marker; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1) {
            int found = parse_exif_orientation(marker->data, marker->data_length);
            if (found != 1) {
                *orientation = found;
                break;
            }
        }
    }
    const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&cinfo);

    image.width = static_cast<int>(cinfo.output_width);
    image.height = static_cast<int>(cinfo.output_height);
    image.rgb.resize(size_t(image.width) * image.height * 3);
    if (cmyk) cmyk_row.resize(size_t(image.width) * 4);
    const bool inverted = cinfo.saw_Adobe_marker;  // Adobe writes CMYK inverted
    while (cinfo.output_scanline < cinfo.output_height) {
        uint8_t* dst = image.rgb.data() + size_t(cinfo.output_scanline) * image.width * 3;
        JSAMPROW row = cmyk ? cmyk_row.data() : dst;
        jpeg_read_scanlines(&cinfo, &row, 1);
        if (cmyk) {
            for (int x = 0; x < image.width; ++x) {
                int c = cmyk_row[x * 4], m = cmyk_row[x * 4 + 1], y = cmyk_row[x * 4 + 2], k = cmyk_row[x * 4 + 3];
                if (!inverted) c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
                dst[x * 3] = uint8_t(c * k / 255);
                dst[x * 3 + 1] = uint8_t(m * k / 255);
                dst[x * 3 + 2] = uint8_t(y * k / 255);
            }
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return image;
}

// ---- PNG ----

struct PngContext {
    const uint8_t* data;
    size_t size;
    size_t position;
    char message[256];
};

[[noreturn]] void png_fail(png_structp png, png_const_charp message) {
    auto* context = static_cast<PngContext*>(png_get_error_ptr(png));
    std::snprintf(context->message, sizeof context->message, "%s", message ? message : "error");
    png_longjmp(png, 1);
}

void png_warning_ignored(png_structp, png_const_charp) {}

void png_read_memory(png_structp png, png_bytep out, png_size_t count) {
    auto* context = static_cast<PngContext*>(png_get_io_ptr(png));
    if (count > context->size - context->position) png_error(png, "truncated PNG data");
    std::memcpy(out, context->data + context->position, count);
    context->position += count;
}

RgbImage decode_png(const uint8_t* data, size_t size, const DecodeLimits& limits) {
    PngContext context{data, size, 0, {0}};
    RgbImage image;
    std::vector<png_bytep> rows;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, png_fail, png_warning_ignored);
    if (!png) throw std::bad_alloc();
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, nullptr, nullptr);
        throw std::bad_alloc();
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        throw Failure{FE_ERR_CORRUPT, std::string("PNG: ") + context.message};
    }
    png_set_read_fn(png, &context, png_read_memory);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, nullptr, nullptr, nullptr);
    const int64_t pixels = int64_t(width) * int64_t(height);
    if (limits.max_pixels > 0 && pixels > limits.max_pixels) {
        png_destroy_read_struct(&png, &info, nullptr);
        throw Failure{FE_ERR_TOO_MANY_PIXELS,
                      "PNG header claims " + std::to_string(width) + "x" + std::to_string(height), pixels,
                      limits.max_pixels};
    }
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (bit_depth == 16) png_set_strip_16(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != size_t(width) * 3) png_error(png, "unexpected row layout after conversion");

    image.width = static_cast<int>(width);
    image.height = static_cast<int>(height);
    image.rgb.resize(size_t(width) * height * 3);
    rows.resize(height);
    for (png_uint_32 y = 0; y < height; ++y) rows[y] = image.rgb.data() + size_t(y) * width * 3;
    png_read_image(png, rows.data());
    png_read_end(png, nullptr);
    png_destroy_read_struct(&png, &info, nullptr);
    return image;
}

}  // namespace

RgbImage decode_image(const uint8_t* data, size_t size, const DecodeLimits& limits, int* orientation) {
    *orientation = 1;
    if (size == 0) throw Failure{FE_ERR_EMPTY, "the image data is empty"};
    if (starts_with(data, size, "\xFF\xD8\xFF", 3)) return decode_jpeg(data, size, limits, orientation);
    if (starts_with(data, size, "\x89PNG\r\n\x1A\n", 8)) return decode_png(data, size, limits);
    if (starts_with(data, size, "GIF8", 4)) throw Failure{FE_ERR_UNSUPPORTED, "GIF"};
    if (starts_with(data, size, "RIFF", 4) && starts_with(data, size, "WEBP", 4, 8))
        throw Failure{FE_ERR_UNSUPPORTED, "WebP"};
    if (starts_with(data, size, "BM", 2)) throw Failure{FE_ERR_UNSUPPORTED, "BMP"};
    if (starts_with(data, size, "II*\0", 4) || starts_with(data, size, "MM\0*", 4))
        throw Failure{FE_ERR_UNSUPPORTED, "TIFF"};
    if (starts_with(data, size, "ftyp", 4, 4)) throw Failure{FE_ERR_UNSUPPORTED, "HEIF/AVIF"};
    throw Failure{FE_ERR_NOT_AN_IMAGE, "neither a JPEG nor a PNG signature"};
}

}  // namespace fe
