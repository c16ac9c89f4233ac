// Test support: writes a JPEG whose pixels are stored rotated/flipped with a matching EXIF orientation tag,
// like a phone camera does, so tests can check that decoding puts faces back where they belong.
#include "engine_internal.hpp"

#include <cstdio>
#include <cstdlib>
#include <csetjmp>

#include <jpeglib.h>

namespace {

struct WriterErrors {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void writer_fail(j_common_ptr cinfo) {
    auto* errors = reinterpret_cast<WriterErrors*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, errors->message);
    std::longjmp(errors->jump, 1);
}

// A minimal little-endian TIFF/EXIF block with one IFD0 entry: Orientation (0x0112, SHORT).
std::vector<uint8_t> exif_with_orientation(int orientation) {
    return {'E', 'x', 'i', 'f', 0, 0,
            'I', 'I', 42, 0, 8, 0, 0, 0,           // TIFF header, IFD0 at offset 8
            1, 0,                                 // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0,         // tag 0x0112, type SHORT, count 1
            uint8_t(orientation), 0, 0, 0,        // value
            0, 0, 0, 0};                          // no next IFD
}

}  // namespace

extern "C" {

fe_status fe_encode_jpeg_with_orientation(const uint8_t* data, size_t size, int32_t orientation, int32_t quality,
                                          int32_t grayscale, uint8_t** out_data, size_t* out_size, fe_error* err) {
    return fe::guarded(err, [&] {
        if (!data || !out_data || !out_size || orientation < 1 || orientation > 8)
            throw fe::Failure{FE_ERR_INVALID_ARGUMENT, "bad arguments"};
        int stored_orientation = 1;
        const fe::RgbImage upright = fe::decode_image(data, size, fe::DecodeLimits{0}, &stored_orientation);
        // Store the pixels so that applying `orientation` shows `upright` again.
        const fe::RgbImage stored = fe::apply_orientation(upright, fe::inverse_orientation(orientation));
        std::vector<uint8_t> gray;
        if (grayscale) {
            gray.resize(size_t(stored.width) * stored.height);
            for (size_t i = 0; i < gray.size(); ++i)  // ITU-R BT.601 luma
                gray[i] = uint8_t((299 * stored.rgb[i * 3] + 587 * stored.rgb[i * 3 + 1] + 114 * stored.rgb[i * 3 + 2]) / 1000);
        }
        const std::vector<uint8_t> exif = exif_with_orientation(orientation);

        jpeg_compress_struct cinfo;
        WriterErrors errors;
        unsigned char* buffer = nullptr;
        unsigned long length = 0;
        cinfo.err = jpeg_std_error(&errors.pub);
        errors.pub.error_exit = writer_fail;
        if (setjmp(errors.jump)) {
            jpeg_destroy_compress(&cinfo);
            std::free(buffer);
            throw fe::Failure{FE_ERR_INTERNAL, std::string("JPEG encoding: ") + errors.message};
        }
        jpeg_create_compress(&cinfo);
        jpeg_mem_dest(&cinfo, &buffer, &length);
        cinfo.image_width = JDIMENSION(stored.width);
        cinfo.image_height = JDIMENSION(stored.height);
        cinfo.input_components = grayscale ? 1 : 3;
        cinfo.in_color_space = grayscale ? JCS_GRAYSCALE : JCS_RGB;
        jpeg_set_defaults(&cinfo);
        jpeg_set_quality(&cinfo, quality > 0 && quality <= 100 ? quality : 95, TRUE);
        jpeg_start_compress(&cinfo, TRUE);
        jpeg_write_marker(&cinfo, JPEG_APP0 + 1, exif.data(), unsigned(exif.size()));
        while (cinfo.next_scanline < cinfo.image_height) {
            JSAMPROW row = grayscale ? gray.data() + size_t(cinfo.next_scanline) * stored.width
                                     : const_cast<uint8_t*>(stored.rgb.data()) + size_t(cinfo.next_scanline) * stored.width * 3;
            jpeg_write_scanlines(&cinfo, &row, 1);
        }
        jpeg_finish_compress(&cinfo);
        jpeg_destroy_compress(&cinfo);
        *out_data = buffer;
        *out_size = length;
    });
}

void fe_bytes_free(uint8_t* data) { std::free(data); }

}  // extern "C"
