/// A face rectangle in image pixel coordinates (dlib's convention: inclusive left/top, right/bottom).
public struct FaceBox: Codable, Hashable, Sendable {
    public var left: Int
    public var top: Int
    public var right: Int
    public var bottom: Int

    public init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    public var width: Int { right - left }
    public var height: Int { bottom - top }
}

/// A 128-d face descriptor (dlib ResNet). Stored as 512 bytes of little-endian float32.
public struct FaceDescriptor: Hashable, Sendable {
    public static let dimension = 128
    public var values: [Float]

    public init?(_ values: [Float]) {
        guard values.count == Self.dimension else { return nil }
        self.values = values
    }

    public init?(littleEndianBytes bytes: [UInt8]) {
        guard bytes.count == Self.dimension * 4 else { return nil }
        #if _endian(little)
            // One copy instead of assembling every float from four bytes (rematching decodes thousands).
            values = [Float](unsafeUninitializedCapacity: Self.dimension) { buffer, count in
                bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
                count = Self.dimension
            }
        #else
            var values = [Float](repeating: 0, count: Self.dimension)
            for i in 0..<Self.dimension {
                let bits = UInt32(bytes[i * 4]) | UInt32(bytes[i * 4 + 1]) << 8
                    | UInt32(bytes[i * 4 + 2]) << 16 | UInt32(bytes[i * 4 + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            self.values = values
        #endif
    }

    public var littleEndianBytes: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        return bytes
    }
}

/// A face found in a photo (`faces` table). Probe faces belong to an `images` row and carry the match;
/// gallery faces belong to a `person_images` row and carry the known person.
public struct Face: Codable, Hashable, Sendable, Identifiable {
    public var id: Int64
    public var imageID: Int64?
    public var personImageID: Int64?
    /// Position of the face within its photo (0-based), unique per photo: a re-run cannot duplicate rows.
    public var faceIndex: Int
    public var box: FaceBox
    /// Matched (probe) or known (gallery) person.
    public var personID: Int64?
    /// Euclidean distance to the matched gallery face; nil when unknown or for gallery faces.
    public var distance: Double?

    public init(
        id: Int64, imageID: Int64?, personImageID: Int64? = nil, faceIndex: Int, box: FaceBox,
        personID: Int64?, distance: Double?
    ) {
        self.id = id
        self.imageID = imageID
        self.personImageID = personImageID
        self.faceIndex = faceIndex
        self.box = box
        self.personID = personID
        self.distance = distance
    }
}
