import Logging
import Synchronization

/// Records `queued_at` for published ids with as few `UPDATE`s as the load allows: a lone call runs its
/// update at once; calls made while one runs wait and share the next one (group commit, like
/// `ImageRegistrationBatcher`). Each call returns once its ids were recorded (or the update failed, which
/// is harmless: the sweeper may publish those ids again and the processor's claim makes that a no-op).
final class QueuedAtRecorder: Sendable {
    private struct Waiter: Sendable {
        let ids: [Int64]
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State: Sendable {
        var waiting: [Waiter] = []
        var running = false
    }

    let store: any ImageStore
    let logger: Logger
    /// Most ids in one `UPDATE` (the rest wait for the next one).
    let maxIDs: Int
    private let state = Mutex(State())

    init(store: any ImageStore, logger: Logger, maxIDs: Int = 1024) {
        self.store = store
        self.logger = logger
        self.maxIDs = maxIDs
    }

    func record(_ ids: [Int64]) async {
        guard !ids.isEmpty else { return }
        await withCheckedContinuation { continuation in
            let leads = state.withLock { state -> Bool in
                state.waiting.append(Waiter(ids: ids, continuation: continuation))
                guard !state.running else { return false }
                state.running = true
                return true
            }
            if leads { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Waiter] in
                var taken = 0
                var count = 0
                for waiter in state.waiting {
                    if count > 0, count + waiter.ids.count > maxIDs { break }
                    count += waiter.ids.count
                    taken += 1
                }
                let batch = Array(state.waiting.prefix(taken))
                state.waiting.removeFirst(taken)
                if batch.isEmpty { state.running = false }
                return batch
            }
            if batch.isEmpty { return }
            let ids = batch.flatMap(\.ids)
            do {
                try await store.markQueued(ids)
            } catch {
                logger.warning("recording queued_at failed", metadata: ["ids": "\(ids.count)", "error": "\(error)"])
            }
            for waiter in batch { waiter.continuation.resume() }
        }
    }
}
