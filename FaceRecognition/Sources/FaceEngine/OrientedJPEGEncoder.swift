import CFaceEngine

/// Writes a JPEG the way a camera does: pixels stored rotated/flipped, plus the EXIF orientation tag that
/// tells viewers how to show them upright. For tests and tools that check orientation handling.
public enum OrientedJPEGEncoder {
    /// Re-encodes `imageData` (JPEG or PNG, shown as stored) so that, once its EXIF `orientation` (1...8)
    /// is applied, it looks like the original. `grayscale` writes a single-channel JPEG.
    public static func encode(
        _ imageData: [UInt8], orientation: Int, quality: Int = 95, grayscale: Bool = false
    ) throws(FaceEngineError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var error = fe_error()
        let status = imageData.withUnsafeBufferPointer { buffer in
            fe_encode_jpeg_with_orientation(
                buffer.baseAddress, buffer.count, Int32(clamping: orientation), Int32(clamping: quality),
                grayscale ? 1 : 0, &output, &size, &error)
        }
        guard status == FE_OK, let output else { throw FaceEngineError(error) }
        defer { fe_bytes_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}
