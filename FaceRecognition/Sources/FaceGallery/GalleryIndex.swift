import CGalleryKernels
import Models
import Synchronization

/// The known faces in memory: brute-force nearest-neighbour search by euclidean distance, with the
/// runner-up person, over descriptors kept in one contiguous float array.
///
/// Searches run on an immutable snapshot, so they never wait for updates and never see half of one.
/// Updates are serialised; appends reuse spare capacity (amortised O(1) per face), removals rebuild.
public final class GalleryIndex: Sendable {
    /// dlib's same-person distance.
    public static let defaultThreshold = 0.6

    public let threshold: Double
    private let current: Mutex<GallerySnapshot>
    private let writer = Mutex(())

    public init(threshold: Double = GalleryIndex.defaultThreshold, faces: [GalleryFace] = []) {
        precondition(threshold.isFinite && threshold > 0, "the match threshold must be a positive number")
        self.threshold = threshold
        let storage = GalleryStorage(capacity: faces.count)
        for face in faces { storage.append(face.descriptor.values, entry: face.entry) }
        current = Mutex(GallerySnapshot(storage: storage, count: storage.count, threshold: threshold))
    }

    /// The gallery as it is now.
    public func snapshot() -> GallerySnapshot {
        current.withLock { $0 }
    }

    public var count: Int { snapshot().count }

    public func search(_ descriptor: FaceDescriptor) -> GallerySearchResult {
        snapshot().search(descriptor)
    }

    /// Adds faces; searches see all of them at once or none.
    public func add(_ faces: [GalleryFace]) {
        guard !faces.isEmpty else { return }
        writer.withLock { _ in
            let before = snapshot()
            var storage = before.storage
            if storage.count != before.count || storage.freeCapacity < faces.count {
                // No room (or rows past the snapshot that were never published): copy into a bigger storage.
                let grown = GalleryStorage(capacity: max(before.count * 2, before.count + faces.count))
                grown.appendRows(of: storage, rows: before.count)
                storage = grown
            }
            for face in faces { storage.append(face.descriptor.values, entry: face.entry) }
            publish(GallerySnapshot(storage: storage, count: storage.count, threshold: threshold))
        }
    }

    /// Replaces every face (a full reload).
    public func replaceAll(with faces: [GalleryFace]) {
        writer.withLock { _ in
            let storage = GalleryStorage(capacity: faces.count)
            for face in faces { storage.append(face.descriptor.values, entry: face.entry) }
            publish(GallerySnapshot(storage: storage, count: storage.count, threshold: threshold))
        }
    }

    /// Removes the faces `shouldRemove` selects and returns how many went.
    @discardableResult
    public func removeAll(where shouldRemove: (GalleryEntry) -> Bool) -> Int {
        writer.withLock { _ in
            let before = snapshot()
            let keep = (0..<before.count).filter { !shouldRemove(before.storage.entries[$0]) }
            guard keep.count != before.count else { return 0 }
            let storage = GalleryStorage(capacity: keep.count)
            for index in keep {
                storage.append(before.storage.values(at: index), entry: before.storage.entries[index])
            }
            publish(GallerySnapshot(storage: storage, count: storage.count, threshold: threshold))
            return before.count - keep.count
        }
    }

    private func publish(_ snapshot: GallerySnapshot) {
        current.withLock { $0 = snapshot }
    }
}

extension GalleryIndex {
    /// The search kernel this CPU uses ("avx2", "sse2" or "generic"), for logs and benchmarks.
    public static var searchKernel: String { String(cString: gk_kernel_name()) }
}
