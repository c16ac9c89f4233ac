import Models

extension FaceDescriptor {
    /// dlib's same-person threshold for the ResNet descriptor (euclidean distance).
    public static let samePersonThreshold = 0.6

    /// Euclidean distance; below `samePersonThreshold` means "probably the same person".
    public func distance(to other: FaceDescriptor) -> Double {
        var sum: Double = 0
        for i in 0..<Swift.min(values.count, other.values.count) {
            let d = Double(values[i]) - Double(other.values[i])
            sum += d * d
        }
        return sum.squareRoot()
    }
}
