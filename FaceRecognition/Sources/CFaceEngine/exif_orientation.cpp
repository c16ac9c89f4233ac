// EXIF orientation: reading the tag from a JPEG APP1 segment and applying it to pixels.
#include "engine_internal.hpp"

namespace fe {

int parse_exif_orientation(const uint8_t* app1, size_t size) {
    static const uint8_t header[6] = {'E', 'x', 'i', 'f', 0, 0};
    if (size < 6 + 8 || std::memcmp(app1, header, 6) != 0) return 1;
    const uint8_t* tiff = app1 + 6;
    const size_t n = size - 6;
    bool little;
    if (tiff[0] == 'I' && tiff[1] == 'I') little = true;
    else if (tiff[0] == 'M' && tiff[1] == 'M') little = false;
    else return 1;
    auto u16 = [&](size_t at) -> uint32_t {
        return little ? (tiff[at] | tiff[at + 1] << 8) : (tiff[at] << 8 | tiff[at + 1]);
    };
    auto u32 = [&](size_t at) -> uint64_t {
        return little ? (uint64_t(u16(at)) | uint64_t(u16(at + 2)) << 16) : (uint64_t(u16(at)) << 16 | u16(at + 2));
    };
    if (u16(2) != 42) return 1;
    uint64_t ifd = u32(4);
    if (ifd + 2 > n) return 1;
    uint32_t entries = u16(ifd);
    for (uint32_t i = 0; i < entries; ++i) {
        uint64_t entry = ifd + 2 + uint64_t(i) * 12;
        if (entry + 12 > n) break;
        if (u16(entry) != 0x0112) continue;
        uint32_t type = u16(entry + 2);
        uint64_t value = type == 3 ? u16(entry + 8) : type == 4 ? u32(entry + 8) : 0;  // SHORT or LONG
        return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
    }
    return 1;
}

int inverse_orientation(int orientation) {
    if (orientation == 6) return 8;
    if (orientation == 8) return 6;
    return orientation;
}

RgbImage apply_orientation(const RgbImage& stored, int orientation) {
    if (orientation < 2 || orientation > 8) return stored;
    const int w = stored.width, h = stored.height;
    const bool swaps = orientation >= 5;
    RgbImage out;
    out.width = swaps ? h : w;
    out.height = swaps ? w : h;
    out.rgb.resize(stored.rgb.size());
    for (int y = 0; y < out.height; ++y) {
        uint8_t* dst = out.rgb.data() + size_t(y) * out.width * 3;
        for (int x = 0; x < out.width; ++x) {
            int sx, sy;  // source pixel of displayed (x, y)
            switch (orientation) {
                case 2: sx = w - 1 - x; sy = y; break;              // mirror horizontal
                case 3: sx = w - 1 - x; sy = h - 1 - y; break;      // rotate 180
                case 4: sx = x; sy = h - 1 - y; break;              // mirror vertical
                case 5: sx = y; sy = x; break;                      // transpose
                case 6: sx = y; sy = h - 1 - x; break;              // rotate 90 clockwise
                case 7: sx = w - 1 - y; sy = h - 1 - x; break;      // transverse
                default: sx = w - 1 - y; sy = x; break;             // 8: rotate 90 counter-clockwise
            }
            std::memcpy(dst + size_t(x) * 3, stored.rgb.data() + (size_t(sy) * w + sx) * 3, 3);
        }
    }
    return out;
}

}  // namespace fe
