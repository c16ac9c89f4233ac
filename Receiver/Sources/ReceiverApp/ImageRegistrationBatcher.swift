import Logging
import Metrics
import Synchronization

/// Group commit for single-path registrations (`POST /image/post`, uploads): concurrent requests share
/// one multi-row store and one publish call (one NSQ `MPUB`) instead of paying each on their own.
///
/// - Idle: the first request starts a batch at once, so a lone request waits for nothing.
/// - Busy: while a batch is being stored, arrivals queue and become the next batch (at most
///   `maxBatch` requests; `window` lets a batch formed under load wait a little longer to fill).
/// - One batch is stored at a time, so two batches of this batcher never race on the same path (the batch
///   store tells new rows from existing ones by looking first). More concurrency comes from several
///   batchers (lanes) that a path is spread over by hash (`ImageRegistrar`): the same path always meets
///   the same batcher.
/// - A batch is answered once its rows are committed (with `queued_at` set); its publish then runs in the
///   background (`BackgroundPublishes`) while the next batch is stored. Waiting for the publish would tell
///   the client nothing: a failed publish was answered 202 too, its rows going to the sweeper. At most
///   `publishesInFlight` publishes of a lane run at once; a batch waits for the lane's oldest one before it
///   is answered, so a stalled queue holds the answers back instead of piling up publishes.
/// - Each request gets its own outcome (a duplicate within a batch is answered `duplicate` with the first
///   one's id), and a batch whose store fails is retried path by path, so one bad path fails only its own
///   request.
final class ImageRegistrationBatcher: Sendable {
    private struct Waiter: Sendable {
        let path: String
        let continuation: CheckedContinuation<StoredPath, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiter] = []
        /// A batch has been started and not yet handed the store stage on.
        var storing = false
        /// This lane's latest publishes, oldest first (at most `publishesInFlight`; some may have ended).
        var publishing: [Task<Void, Never>] = []
    }

    let store: any ImageStore
    let announcer: ImageAnnouncer
    let maxBatch: Int
    let window: Duration
    let publishesInFlight: Int
    let publishes: BackgroundPublishes
    let logger: Logger
    private let state = Mutex(State())
    private let batchSizes = Recorder(label: "receiver_coalesced_batch_size")

    /// - Parameters:
    ///   - maxBatch: most requests in one batch (at least 2; 1 means no coalescing: do not build one).
    ///   - window: how long a batch formed while another was being stored may wait to fill (zero: none).
    ///   - publishesInFlight: most of this lane's publishes running at once (at least 1).
    ///   - publishes: where the background publishes are tracked (shutdown waits for them).
    init(
        store: any ImageStore, announcer: ImageAnnouncer, maxBatch: Int, window: Duration, publishesInFlight: Int,
        publishes: BackgroundPublishes, logger: Logger
    ) {
        precondition(maxBatch >= 2, "a batcher needs room for two requests")
        self.store = store
        self.announcer = announcer
        self.maxBatch = maxBatch
        self.window = window
        self.publishesInFlight = max(1, publishesInFlight)
        self.publishes = publishes
        self.logger = logger
    }

    /// Stores `path` (already validated) together with whatever arrives meanwhile and returns its row once
    /// committed; a new row is published right after, in the background.
    func register(_ path: String) async throws -> StoredPath {
        try await withCheckedThrowingContinuation { continuation in
            let leads = state.withLock { state -> Bool in
                state.waiting.append(Waiter(path: path, continuation: continuation))
                guard !state.storing else { return false }
                state.storing = true
                return true
            }
            if leads { startBatch(underLoad: false) }
        }
    }

    private func startBatch(underLoad: Bool) {
        Task { await self.runBatch(underLoad: underLoad) }
    }

    private func runBatch(underLoad: Bool) async {
        if underLoad, window > .zero, state.withLock({ $0.waiting.count }) < maxBatch {
            try? await Task.sleep(for: window)
        }
        let batch = state.withLock { state -> [Waiter] in
            if state.waiting.count <= maxBatch {
                defer { state.waiting = [] }
                return state.waiting
            }
            let batch = Array(state.waiting.prefix(maxBatch))
            state.waiting.removeFirst(maxBatch)
            return batch
        }
        batchSizes.record(batch.count)
        let outcomes = await storeIsolated(batch.map(\.path))
        var created: [Int64] = []
        for outcome in outcomes {
            if case .success(let stored) = outcome, stored.queued { created.append(stored.id) }
        }
        if !created.isEmpty {
            // Back-pressure: with the lane's publishes all started, wait for the oldest before answering.
            // Only this lane's one running batch touches `publishing`, so nothing changes it meanwhile.
            let oldest = state.withLock { state in
                state.publishing.count >= publishesInFlight ? state.publishing.removeFirst() : nil
            }
            await oldest?.value
        }
        for (waiter, outcome) in zip(batch, outcomes) { waiter.continuation.resume(with: outcome) }
        if !created.isEmpty {
            let announcer = self.announcer
            let ids = created
            let task = publishes.run { await announcer.announce(ids) }
            state.withLock { $0.publishing.append(task) }
        }
        // Answered and handed to the queue: the next batch may be stored while this one is published.
        let more = state.withLock { state -> Bool in
            if state.waiting.isEmpty {
                state.storing = false
                return false
            }
            return true
        }
        if more { startBatch(underLoad: true) }
    }

    /// The batch in one transaction; when that fails, each path on its own so that only the requests
    /// whose path really fails get an error.
    private func storeIsolated(_ paths: [String]) async -> [Result<StoredPath, any Error>] {
        do {
            return try await store.store(paths).map { .success($0) }
        } catch {
            guard paths.count > 1 else { return [.failure(error)] }
            logger.debug("a coalesced store failed; storing its paths one by one", metadata: ["paths": "\(paths.count)", "error": "\(error)"])
        }
        let store = self.store
        return await withTaskGroup(of: (Int, Result<StoredPath, any Error>).self) { group in
            for (index, path) in paths.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await store.store([path])[0]))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<StoredPath, any Error>?](repeating: nil, count: paths.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }
}
