import Synchronization

/// Publishes that run after their requests were answered (coalesced batches: `ImageRegistrationBatcher`).
/// They are tracked so that shutdown can wait for them before the queue producer closes: a publish cut off
/// by the shutdown would leave its rows to the sweeper's requeue age instead of the queue.
public final class BackgroundPublishes: Sendable {
    private struct State: Sendable {
        var running: [UInt64: Task<Void, Never>] = [:]
        var next: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Starts `work` now; the returned task ends when it has (and is then no longer tracked).
    @discardableResult
    func run(_ work: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        state.withLock { state in
            let key = state.next
            state.next += 1
            let task = Task {
                await work()
                self.state.withLock { _ = $0.running.removeValue(forKey: key) }
            }
            state.running[key] = task
            return task
        }
    }

    /// Publishes still running.
    public var count: Int { state.withLock { $0.running.count } }

    /// Waits until every publish started so far has ended, or `limit` has passed (shutdown must end);
    /// true when none is left.
    @discardableResult
    public func finish(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if count == 0 { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return count == 0
    }
}
