import Models
import CGalleryKernels

/// Append-only buffers behind gallery snapshots: descriptors as one contiguous, 64-byte aligned float
/// array (row i = floats [128 i, 128 i + 128)), their int8 codes for the fast first pass, person ids and
/// entries.
///
/// Rows below a published snapshot's count are never written again, so readers scan them without
/// locks while the (single, serialised) writer fills rows above it. Capacity doubles on growth; a
/// snapshot keeps its storage alive.
final class GalleryStorage: @unchecked Sendable {
    static let dimension = FaceDescriptor.dimension
    /// int8 code = round(value * scale); dlib descriptor components stay well inside +-0.49.
    static let quantizationScale: Float = 256

    let capacity: Int
    /// Rows written so far (only the writer reads or changes this).
    private(set) var count = 0
    let vectors: UnsafeMutablePointer<Float>
    let codes: UnsafeMutablePointer<Int8>
    let personIDs: UnsafeMutablePointer<Int64>
    let entries: UnsafeMutablePointer<GalleryEntry>
    /// Largest quantisation error (euclidean, float units) of any row written.
    private(set) var maxRowError: Float = 0

    init(capacity: Int) {
        let capacity = max(capacity, 16)
        self.capacity = capacity
        let floatBytes = capacity * Self.dimension * MemoryLayout<Float>.stride
        vectors = UnsafeMutableRawPointer.allocate(byteCount: floatBytes, alignment: 64)
            .bindMemory(to: Float.self, capacity: capacity * Self.dimension)
        codes = UnsafeMutableRawPointer.allocate(byteCount: capacity * Self.dimension, alignment: 64)
            .bindMemory(to: Int8.self, capacity: capacity * Self.dimension)
        personIDs = .allocate(capacity: capacity)
        entries = .allocate(capacity: capacity)
    }

    deinit {
        entries.deinitialize(count: count)
        entries.deallocate()
        personIDs.deallocate()
        UnsafeMutableRawPointer(codes).deallocate()
        UnsafeMutableRawPointer(vectors).deallocate()
    }

    var freeCapacity: Int { capacity - count }

    /// Writes one row after the last; the caller checked `freeCapacity`.
    func append(_ values: [Float], entry: GalleryEntry) {
        precondition(count < capacity && values.count == Self.dimension)
        let row = count * Self.dimension
        values.withUnsafeBufferPointer { source in
            (vectors + row).update(from: source.baseAddress!, count: Self.dimension)
        }
        let error = gk_quantize(vectors + row, codes + row, Self.quantizationScale)
        maxRowError = max(maxRowError, error)
        personIDs[count] = entry.personID
        (entries + count).initialize(to: entry)
        count += 1
    }

    /// Copies the first `rows` rows of `other` (used when growing).
    func appendRows(of other: GalleryStorage, rows: Int) {
        precondition(count + rows <= capacity)
        let start = count * Self.dimension
        (vectors + start).update(from: other.vectors, count: rows * Self.dimension)
        (codes + start).update(from: other.codes, count: rows * Self.dimension)
        (personIDs + count).update(from: other.personIDs, count: rows)
        (entries + count).initialize(from: other.entries, count: rows)
        maxRowError = max(maxRowError, other.maxRowError)
        count += rows
    }

    func values(at index: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: vectors + index * Self.dimension, count: Self.dimension))
    }
}
