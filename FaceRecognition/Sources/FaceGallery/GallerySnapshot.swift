import FaceEngine
import Models
import CGalleryKernels

/// An immutable view of the gallery at one moment: searching it never blocks and never sees a
/// half-applied update.
public struct GallerySnapshot: Sendable {
    let storage: GalleryStorage
    /// Rows visible in this snapshot.
    public let count: Int
    public let threshold: Double
    // The storage's error bound when the snapshot was taken (it only grows with later appends).
    let maxRowError: Float

    init(storage: GalleryStorage, count: Int, threshold: Double) {
        self.storage = storage
        self.count = count
        self.threshold = threshold
        self.maxRowError = storage.maxRowError
    }

    /// Number of distinct people.
    public var personCount: Int {
        var seen = Set<Int64>()
        for index in 0..<count { seen.insert(storage.personIDs[index]) }
        return seen.count
    }

    public func entry(at index: Int) -> GalleryEntry {
        precondition(index >= 0 && index < count)
        return storage.entries[index]
    }

    public func descriptor(at index: Int) -> FaceDescriptor {
        precondition(index >= 0 && index < count)
        return FaceDescriptor(storage.values(at: index))!
    }

    /// Every entry (in insertion order).
    public var entries: [GalleryEntry] {
        Array(UnsafeBufferPointer(start: storage.entries, count: count))
    }

    /// The nearest face and runner-up person by euclidean distance (int8 first pass, exact float check).
    public func search(_ query: FaceDescriptor) -> GallerySearchResult {
        var result = gk_result()
        guard count > 0, query.values.allSatisfy(\.isFinite) else {
            return GallerySearchResult(nearest: nil, runnerUp: nil, threshold: threshold, gallerySize: count)
        }
        var code = [Int8](repeating: 0, count: FaceDescriptor.dimension)
        query.values.withUnsafeBufferPointer { values in
            code.withUnsafeMutableBufferPointer { code in
                let queryError = gk_quantize(values.baseAddress!, code.baseAddress!, GalleryStorage.quantizationScale)
                gk_search(
                    values.baseAddress!, code.baseAddress!, queryError, storage.vectors, storage.codes,
                    storage.personIDs, count, GalleryStorage.quantizationScale, maxRowError, &result)
            }
        }
        return makeResult(result, query: query)
    }

    /// The same answer by comparing every row exactly (reference for tests and benchmarks).
    public func exhaustiveSearch(_ query: FaceDescriptor) -> GallerySearchResult {
        var result = gk_result()
        guard count > 0, query.values.allSatisfy(\.isFinite) else {
            return GallerySearchResult(nearest: nil, runnerUp: nil, threshold: threshold, gallerySize: count)
        }
        query.values.withUnsafeBufferPointer { values in
            gk_search_exhaustive(values.baseAddress!, storage.vectors, storage.personIDs, count, &result)
        }
        return makeResult(result, query: query)
    }

    private func makeResult(_ result: gk_result, query: FaceDescriptor) -> GallerySearchResult {
        // Reported distances are recomputed in double so they do not depend on the kernel's summation order.
        func candidate(_ index: Int64) -> GalleryCandidate? {
            guard index >= 0 else { return nil }
            let row = Int(index)
            return GalleryCandidate(entry: storage.entries[row], distance: query.distance(to: descriptor(at: row)))
        }
        return GallerySearchResult(
            nearest: candidate(result.best_index), runnerUp: candidate(result.runner_up_index),
            threshold: threshold, gallerySize: count)
    }
}
