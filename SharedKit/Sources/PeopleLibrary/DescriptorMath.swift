import Models

/// Euclidean distances and running means of 128-d descriptors, the measure dlib's model is trained for
/// (same person below about 0.6).
public enum DescriptorMath {
    public static func distance(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in squaredDistance(a, b) } }.squareRoot()
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

    /// Squared distance, or some value above `limit` as soon as the partial sum exceeds it (checked every
    /// 16 components): most candidates are far, so most comparisons stop early.
    public static func squaredDistance(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, stoppingAbove limit: Float
    ) -> Float {
        var sum: Float = 0
        var i = 0
        while i < a.count {
            let end = min(i + 16, a.count)
            while i < end {
                let d = a[i] - b[i]
                sum += d * d
                i += 1
            }
            if sum > limit { return sum }
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
    /// `checkFinite: false` skips the finiteness scan where a NaN or infinity cannot do harm (a
    /// comparison with a threshold is simply false for NaN, and infinity is never below one).
    public static func decode(_ bytes: [UInt8]?, checkFinite: Bool = true) -> [Float]? {
        guard let bytes, let values = FaceDescriptor(littleEndianBytes: bytes)?.values else { return nil }
        return !checkFinite || values.allSatisfy(\.isFinite) ? values : nil
    }

    public static func encode(_ values: [Float]) -> [UInt8] {
        FaceDescriptor(values)?.littleEndianBytes ?? []
    }
}
