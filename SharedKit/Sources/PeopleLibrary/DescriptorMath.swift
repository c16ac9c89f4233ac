import Models

/// Euclidean distances and running means of 128-d descriptors, the measure dlib's model is trained for
/// (same person below about 0.6).
public enum DescriptorMath {
    public static func distance(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        var sum: Float = 0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<a.count {
                    let d = a[i] - b[i]
                    sum += d * d
                }
            }
        }
        return sum.squareRoot()
    }

    /// Squared distance, for comparisons (no square root per candidate).
    public static func squaredDistance(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        var sum: Float = 0
        for i in 0..<a.count {
            let d = a[i] - b[i]
            sum += d * d
        }
        return sum
    }

    /// The mean of `count` descriptors whose mean was `mean`, after adding `value`.
    public static func runningMean(_ mean: [Float], count: Int, adding value: [Float]) -> [Float] {
        let n = Float(max(count, 0) + 1)
        var result = mean
        for i in 0..<result.count {
            result[i] += (value[i] - result[i]) / n
        }
        return result
    }

    /// A stored descriptor (512 bytes, little-endian float32), or nil when it is missing, of the wrong
    /// size or not finite (such a face is never grouped or matched).
    public static func decode(_ bytes: [UInt8]?) -> [Float]? {
        guard let bytes, let descriptor = FaceDescriptor(littleEndianBytes: bytes),
            descriptor.values.allSatisfy(\.isFinite)
        else { return nil }
        return descriptor.values
    }

    public static func encode(_ values: [Float]) -> [UInt8] {
        FaceDescriptor(values)?.littleEndianBytes ?? []
    }
}
