import ImageFiles
import ImageQueue
import Logging
import Metrics

/// Validates paths, stores them and announces the new ids: the Receiver's core, independent of HTTP.
///
/// Order matters for "nothing lost": the rows are committed (with `queued_at`) before anything is published;
/// a failed publish hands them to the ImageProcessor's sweeper (`ImageAnnouncer`). Concurrent single-path
/// requests share one store and one publish (`ImageRegistrationBatcher`), answered once committed; the batch
/// endpoint and uncoalesced requests are answered after their publish.
public struct ImageRegistrar: Sendable {
    let store: any ImageStore
    let announcer: ImageAnnouncer
    let logger: Logger
    /// Empty when coalescing is off (`maxCoalescedRequests` 1): each single path is stored on its own.
    /// Otherwise one batcher per lane; a path always goes to the same lane, so the same path is never
    /// in two batches being stored at once, while different lanes store concurrently.
    let batchers: [ImageRegistrationBatcher]
    private let queuedCounter = Counter(label: "receiver_images_total", dimensions: [("status", "queued")])
    private let duplicateCounter = Counter(label: "receiver_images_total", dimensions: [("status", "duplicate")])
    private let rejectedCounter = Counter(label: "receiver_images_total", dimensions: [("status", "rejected")])

    /// - Parameters:
    ///   - maxCoalescedRequests: most concurrent single-path requests stored and published together
    ///     (group commit); 1 turns coalescing off.
    ///   - coalescingWindow: how long a batch formed under load may wait to fill.
    ///   - coalescingLanes: batches stored concurrently (paths are spread over the lanes by hash).
    ///   - publishesInFlight: most answered batches per lane whose publishes run at once.
    ///   - publishes: tracks the coalesced batches' background publishes (shutdown waits for them).
    public init(
        store: any ImageStore, publisher: any ImagePublisher, logger: Logger,
        maxCoalescedRequests: Int = 1, coalescingWindow: Duration = .zero, coalescingLanes: Int = 1,
        publishesInFlight: Int = 4, publishes: BackgroundPublishes = BackgroundPublishes()
    ) {
        let announcer = ImageAnnouncer(store: store, publisher: publisher, logger: logger)
        self.store = store
        self.announcer = announcer
        self.logger = logger
        self.batchers =
            maxCoalescedRequests > 1
            ? (0..<max(1, coalescingLanes)).map { _ in
                ImageRegistrationBatcher(
                    store: store, announcer: announcer, maxBatch: maxCoalescedRequests, window: coalescingWindow,
                    publishesInFlight: publishesInFlight, publishes: publishes, logger: logger)
            }
            : []
    }

    /// The single-path hot path: no intermediate arrays; coalesced with concurrent requests when on.
    public func register(_ path: String) async throws -> PathOutcome {
        do {
            try ImageRoot.validate(relativePath: path)
        } catch {
            rejectedCounter.increment()
            return PathOutcome(path: path, status: .rejected, reason: error.description, code: error.code)
        }
        let stored: StoredPath
        if !batchers.isEmpty {
            let lane = batchers.count == 1 ? 0 : Int(UInt(bitPattern: path.hashValue) % UInt(batchers.count))
            stored = try await batchers[lane].register(path)
        } else {
            stored = try await store.store([path])[0]
            if stored.queued { await announcer.announce([stored.id]) }
        }
        if stored.queued {
            queuedCounter.increment()
        } else {
            duplicateCounter.increment()
        }
        return PathOutcome(path: path, id: stored.id, status: stored.queued ? .queued : .duplicate)
    }

    /// One outcome per path, in order. Throws only when the store fails (nothing was stored then).
    public func register(_ paths: [String]) async throws -> [PathOutcome] {
        var outcomes: [PathOutcome?] = Array(repeating: nil, count: paths.count)
        var valid: [String] = []
        var validIndices: [Int] = []
        valid.reserveCapacity(paths.count)
        for (index, path) in paths.enumerated() {
            do {
                try ImageRoot.validate(relativePath: path)
                valid.append(path)
                validIndices.append(index)
            } catch {
                outcomes[index] = PathOutcome(path: path, status: .rejected, reason: error.description, code: error.code)
                rejectedCounter.increment()
            }
        }
        if !valid.isEmpty {
            let stored = try await store.store(valid)
            var created: [Int64] = []
            for (index, item) in zip(validIndices, stored) {
                outcomes[index] = PathOutcome(path: item.path, id: item.id, status: item.queued ? .queued : .duplicate)
                if item.queued { created.append(item.id) }
            }
            if !created.isEmpty { queuedCounter.increment(by: Int64(created.count)) }
            if created.count < stored.count { duplicateCounter.increment(by: Int64(stored.count - created.count)) }
            await announcer.announce(created)
        }
        return outcomes.map { $0! }
    }
}
