/// Width and height read from a JPEG or PNG header, so face boxes (stored in original pixels) can be
/// placed as percentages of the displayed photo without any script.
public struct ImageDimensions: Sendable, Hashable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Nil when the bytes are neither a PNG nor a JPEG with a frame header in them.
    public init?(header bytes: [UInt8]) {
        if let size = Self.png(bytes) ?? Self.jpeg(bytes), size.width > 0, size.height > 0 {
            self = size
        } else {
            return nil
        }
    }

    static func png(_ b: [UInt8]) -> ImageDimensions? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard b.count >= 24, Array(b[0..<8]) == signature, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
        return ImageDimensions(width: be32(b, 16), height: be32(b, 20))
    }

    /// Walks the JPEG markers to the first start-of-frame (SOF0...SOF15 except DHT, JPG and DAC).
    static func jpeg(_ b: [UInt8]) -> ImageDimensions? {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var i = 2
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF {  // fill byte
                i += 1
                continue
            }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {  // no length
                i += 2
                continue
            }
            let length = be16(b, i + 2)
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard i + 9 <= b.count else { return nil }
                return ImageDimensions(width: be16(b, i + 7), height: be16(b, i + 5))
            }
            if marker == 0xDA || marker == 0xD9 { return nil }  // scan data or end before any frame header
            i += 2 + length
        }
        return nil
    }

    private static func be16(_ b: [UInt8], _ at: Int) -> Int { Int(b[at]) << 8 | Int(b[at + 1]) }
    private static func be32(_ b: [UInt8], _ at: Int) -> Int {
        Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
    }
}
