import Foundation

/// Every group's centroid in memory, as one flat float array: finding a face's nearest group costs
/// O(groups) arithmetic and no query. Not thread-safe: its owner (`MySQLUnknownFaceGrouper`) serialises use.
struct CentroidCache {
    static let dimension = 128
    private(set) var ids: [Int64] = []
    private(set) var counts: [Int] = []
    private var vectors: [Float] = []
    private var slots: [Int64: Int] = [:]
    /// Newest `updated_at` seen; nil before the first load.
    var newestUpdate: Date?
    var loadedAt: Date?

    var count: Int { ids.count }

    mutating func removeAll() {
        ids = []
        counts = []
        vectors = []
        slots = [:]
        newestUpdate = nil
        loadedAt = nil
    }

    mutating func upsert(id: Int64, centroid: [Float], count: Int) {
        precondition(centroid.count == Self.dimension)
        if let slot = slots[id] {
            counts[slot] = count
            vectors.replaceSubrange(slot * Self.dimension..<(slot + 1) * Self.dimension, with: centroid)
        } else {
            slots[id] = ids.count
            ids.append(id)
            counts.append(count)
            vectors.append(contentsOf: centroid)
        }
    }

    mutating func remove(id: Int64) {
        guard let slot = slots.removeValue(forKey: id) else { return }
        let last = ids.count - 1
        if slot != last {
            ids[slot] = ids[last]
            counts[slot] = counts[last]
            for i in 0..<Self.dimension { vectors[slot * Self.dimension + i] = vectors[last * Self.dimension + i] }
            slots[ids[slot]] = slot
        }
        ids.removeLast()
        counts.removeLast()
        vectors.removeLast(Self.dimension)
    }

    func centroid(of id: Int64) -> (centroid: [Float], count: Int)? {
        guard let slot = slots[id] else { return nil }
        return (Array(vectors[slot * Self.dimension..<(slot + 1) * Self.dimension]), counts[slot])
    }

    /// The group whose centroid is nearest to `descriptor`, with the distance.
    func nearest(to descriptor: [Float]) -> (id: Int64, distance: Float)? {
        guard !ids.isEmpty else { return nil }
        var best = -1
        var bestSquared = Float.infinity
        vectors.withUnsafeBufferPointer { all in
            descriptor.withUnsafeBufferPointer { d in
                for slot in 0..<ids.count {
                    let row = UnsafeBufferPointer(rebasing: all[slot * Self.dimension..<(slot + 1) * Self.dimension])
                    let squared = DescriptorMath.squaredDistance(row, d, stoppingAbove: bestSquared)
                    if squared < bestSquared {
                        bestSquared = squared
                        best = slot
                    }
                }
            }
        }
        return (ids[best], bestSquared.squareRoot())
    }

    /// Groups whose centroid is within `radius` of any of `descriptors`.
    func groups(near descriptors: [[Float]], within radius: Float) -> [Int64] {
        let limit = radius * radius
        var found: [Int64] = []
        vectors.withUnsafeBufferPointer { all in
            for slot in 0..<ids.count {
                let row = UnsafeBufferPointer(rebasing: all[slot * Self.dimension..<(slot + 1) * Self.dimension])
                for descriptor in descriptors {
                    let close = descriptor.withUnsafeBufferPointer {
                        DescriptorMath.squaredDistance(row, $0, stoppingAbove: limit) <= limit
                    }
                    if close {
                        found.append(ids[slot])
                        break
                    }
                }
            }
        }
        return found
    }
}
