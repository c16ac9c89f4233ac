import Foundation
import Logging
import Metrics
import MySQL
import Synchronization

/// Settings of the MySQL table queue.
public struct MySQLQueueConfiguration: Sendable {
    /// Identifies this consumer in `images.lease_owner` (host, process, random suffix).
    public var owner: String
    public var maxInFlight: Int
    /// How long a claim stays valid without a `touch`; an expired lease is delivered again.
    public var lease: Duration
    /// Poll interval bounds: right after finding work the consumer polls again at once; each empty poll
    /// doubles the wait from `minPoll` up to `maxPoll`, which bounds idle wake-up latency.
    public var minPoll: Duration
    public var maxPoll: Duration

    public init(
        owner: String = MySQLQueueConfiguration.defaultOwner(), maxInFlight: Int = 4, lease: Duration = .seconds(60),
        minPoll: Duration = .milliseconds(5), maxPoll: Duration = .milliseconds(100)
    ) {
        self.owner = owner
        self.maxInFlight = max(1, maxInFlight)
        self.lease = lease
        self.minPoll = minPoll
        self.maxPoll = maxPoll
    }

    public static func defaultOwner() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(64)
        return "\(host)-\(getpid())-\(UUID().uuidString.prefix(8))"
    }
}

/// The one-machine queue: the `images` table is the queue. Inserting a pending row is the enqueue, so
/// nothing can be lost between the database and the queue; a consumer claims rows atomically with
/// `SELECT ... FOR UPDATE SKIP LOCKED` and a lease, and an expired lease is delivered again.
public struct MySQLImagePublisher: ImagePublisher {
    public init() {}
    /// Nothing to do: the committed pending row already is the queue entry.
    public func publish(_ ids: [Int64]) async throws {}
}

public final class MySQLImageConsumer: ImageQueueConsumer {
    let pool: MySQLPool
    public let configuration: MySQLQueueConfiguration
    let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let claimed = Counter(label: "image_queue_claimed_total", dimensions: [("queue", "mysql")])
    private let requeued = Counter(label: "image_queue_requeued_total", dimensions: [("queue", "mysql")])
    private let pollErrors = Counter(label: "image_queue_poll_errors_total", dimensions: [("queue", "mysql")])

    public init(pool: MySQLPool, configuration: MySQLQueueConfiguration = .init(), logger: Logger = Logger(label: "mysql-queue")) {
        self.pool = pool
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "lease_owner"] = "\(configuration.owner)"
        self.logger = logger
    }

    public func beginShutdown() {
        stopping.store(true, ordering: .relaxed)
    }

    public func run(handler: @escaping @Sendable (ImageDelivery) async -> DeliveryOutcome) async throws {
        let slots = AsyncSlots(capacity: configuration.maxInFlight)
        var wait = configuration.minPoll
        await withTaskGroup(of: Void.self) { group in
            while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
                let free = await slots.waitForFree()
                if stopping.load(ordering: .relaxed) || Task.isCancelled { break }
                let batch: [(id: Int64, attempts: Int)]
                do {
                    batch = try await claim(limit: free)
                } catch {
                    pollErrors.increment()
                    logger.warning("claiming from the images table failed; backing off", metadata: ["error": "\(error)"])
                    wait = min(configuration.maxPoll * 20, max(wait * 2, .milliseconds(100)))
                    try? await Task.sleep(for: wait)
                    continue
                }
                if batch.isEmpty {
                    try? await Task.sleep(for: wait)
                    wait = min(configuration.maxPoll, wait * 2)
                    continue
                }
                wait = configuration.minPoll
                claimed.increment(by: Int64(batch.count))
                for item in batch {
                    slots.take()
                    group.addTask {
                        let outcome = await handler(self.delivery(item.id, attempts: item.attempts))
                        await self.settle(item.id, outcome)
                        slots.give()
                    }
                }
            }
            // Graceful stop: take nothing new; in-flight handlers finish and settle before returning.
            await group.waitForAll()
        }
    }

    private func delivery(_ id: Int64, attempts: Int) -> ImageDelivery {
        let owner = configuration.owner
        let leaseMicros = configuration.lease.nanoseconds / 1000
        let pool = self.pool
        let logger = self.logger
        return ImageDelivery(imageID: id, deliveryAttempt: attempts, claim: ImageClaim(owner: owner)) {
            do {
                try await pool.execute(
                    "UPDATE images SET lease_expires_at = NOW(6) + INTERVAL ? MICROSECOND WHERE id = ? AND lease_owner = ? AND status = 3",
                    [.int(leaseMicros), .int(id), .string(owner)])
            } catch {
                logger.warning("extending the lease failed", metadata: ["image_id": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// Claims up to `limit` due images in one short transaction.
    func claim(limit: Int) async throws -> [(id: Int64, attempts: Int)] {
        let owner = configuration.owner
        let leaseMicros = configuration.lease.nanoseconds / 1000
        return try await pool.transaction { tx in
            // READ COMMITTED: rows the scan passes over are not left locked for other consumers.
            try await tx.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
            let rows = try await tx.query(
                """
                SELECT id FROM images
                WHERE (status = 0 AND (next_attempt_at IS NULL OR next_attempt_at <= NOW(6)))
                   OR (status = 3 AND lease_expires_at < NOW(6))
                ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED
                """, [.int(Int64(limit))])
            let ids = try rows.map { try $0.decode("id", as: Int64.self) }
            guard !ids.isEmpty else { return [] }
            let placeholders = SQLPlaceholders.list(ids.count)
            try await tx.execute(
                """
                UPDATE images SET status = 3, lease_owner = ?, lease_expires_at = NOW(6) + INTERVAL ? MICROSECOND,
                    attempts = attempts + 1, next_attempt_at = NULL
                WHERE id IN (\(placeholders))
                """, [.string(owner), .int(leaseMicros)] + ids.map { .int($0) })
            let claimedRows = try await tx.query(
                "SELECT id, attempts FROM images WHERE id IN (\(placeholders)) ORDER BY id", ids.map { .int($0) })
            return try claimedRows.map { (try $0.decode("id", as: Int64.self), try $0.decode("attempts", as: Int.self)) }
        }
    }

    private func settle(_ id: Int64, _ outcome: DeliveryOutcome) async {
        guard case .requeue(let delay) = outcome else { return }
        requeued.increment()
        do {
            // Only our own live claim is released: if the lease expired and someone else holds it now, leave it.
            try await pool.execute(
                """
                UPDATE images SET status = 0, next_attempt_at = NOW(6) + INTERVAL ? MICROSECOND,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ? AND lease_owner = ? AND status = 3
                """, [.int(delay.nanoseconds / 1000), .int(id), .string(configuration.owner)])
        } catch {
            // The lease will expire and the image will be delivered again: nothing is lost.
            logger.warning("requeue failed; the lease expiry will redeliver", metadata: ["image_id": "\(id)", "error": "\(error)"])
        }
    }
}

/// Counts free handler slots; `waitForFree` suspends while all are taken.
final class AsyncSlots: Sendable {
    private struct State {
        var free: Int
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state: Mutex<State>

    init(capacity: Int) { state = Mutex(State(free: capacity)) }

    /// Returns the number of free slots (at least 1), waiting until one frees up.
    func waitForFree() async -> Int {
        while true {
            let free = state.withLock { $0.free }
            if free > 0 { return free }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.free > 0 { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    func take() { state.withLock { $0.free -= 1 } }

    func give() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.free += 1
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
