import Foundation
import ImageQueue
import MySQL
import SharedTestSupport
import Synchronization
import Testing

@Suite("MySQL table queue against a real MariaDB")
struct MySQLImageQueueTests {
    static func insertImages(_ pool: MySQLPool, count: Int, prefix: String) async throws -> [Int64] {
        var ids: [Int64] = []
        for chunk in stride(from: 0, to: count, by: 200) {
            let n = min(200, count - chunk)
            let values = SQLPlaceholders.list(n, each: "(?, 0)")
            let params: [MySQLValue] = (chunk..<chunk + n).map { .string("\(prefix)/\($0).jpg") }
            let first = try await pool.execute("INSERT INTO images (path, status) VALUES \(values)", params).lastInsertID
            ids += (0..<n).map { Int64(first) + Int64($0) }
        }
        return ids
    }

    @Test("two competing consumers over 1,000 images: each claimed by exactly one, none lost")
    func competingConsumers() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(poolSize: 12, label: "queue")
        let ids = try await Self.insertImages(pool, count: 1000, prefix: "q")
        let ledger = Ledger()
        let consumers = (0..<2).map { i in
            MySQLImageConsumer(pool: pool, configuration: .init(owner: "consumer-\(i)", maxInFlight: 4))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for consumer in consumers {
                group.addTask {
                    try await consumer.run { delivery in
                        ledger.begin(delivery.imageID, by: delivery.claim?.owner ?? "?")
                        try? await Task.sleep(for: .microseconds(200))
                        _ = try? await pool.execute(
                            "UPDATE images SET status = 1, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?",
                            [.int(delivery.imageID), .string(delivery.claim?.owner ?? "")])
                        ledger.end(delivery.imageID)
                        return .finished
                    }
                }
            }
            // Wait until every row is processed, then stop both consumers gracefully.
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                let pending = try await pool.query("SELECT COUNT(*) AS n FROM images WHERE status <> 1").first?["n"]?.int
                if pending == 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            consumers.forEach { $0.beginShutdown() }
            try await group.waitForAll()
        }
        #expect(ledger.overlaps == 0, "an image was being processed by two consumers at once")
        #expect(ledger.handled.count == 1000)
        #expect(Set(ledger.handled.keys) == Set(ids))
        #expect(ledger.handled.values.allSatisfy { $0 == 1 }, "an image was delivered twice without its lease expiring")
        #expect(ledger.owners.count == 2, "both consumers should have taken work")
        let processed = try await pool.query("SELECT COUNT(*) AS n FROM images WHERE status = 1 AND attempts = 1").first?["n"]?.int
        #expect(processed == 1000)
        await pool.shutdown()
    }

    @Test("a consumer that dies mid-work: its lease expires and the image is delivered again")
    func expiredLeaseRedelivers() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "lease")
        let ids = try await Self.insertImages(pool, count: 1, prefix: "dead")
        let dying = MySQLImageConsumer(
            pool: pool, configuration: .init(owner: "dying", maxInFlight: 1, lease: .milliseconds(500)))
        let firstDelivery = Mutex<ImageDelivery?>(nil)
        // The dying consumer's handler never returns: like a process that hangs or was killed.
        let dyingTask = Task {
            try await dying.run { delivery in
                firstDelivery.withLock { $0 = delivery }
                try? await Task.sleep(for: .seconds(3600))
                return .finished
            }
        }
        while firstDelivery.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(firstDelivery.withLock { $0?.imageID } == ids[0])

        let rescuer = MySQLImageConsumer(pool: pool, configuration: .init(owner: "rescuer", maxInFlight: 1))
        let second = Mutex<ImageDelivery?>(nil)
        let rescueTask = Task {
            try await rescuer.run { delivery in
                second.withLock { $0 = delivery }
                _ = try? await pool.execute("UPDATE images SET status = 1 WHERE id = ?", [.int(delivery.imageID)])
                return .finished
            }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while second.withLock({ $0 }) == nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let redelivered = try #require(second.withLock { $0 })
        #expect(redelivered.imageID == ids[0])
        #expect(redelivered.deliveryAttempt == 2)
        #expect(redelivered.claim?.owner == "rescuer")
        rescuer.beginShutdown()
        dying.beginShutdown()
        dyingTask.cancel()
        _ = try? await rescueTask.value
        let row = try #require(try await pool.query("SELECT status, lease_owner FROM images WHERE id = ?", [.int(ids[0])]).first)
        #expect(row["status"]?.int == 1)
        await pool.shutdown()
    }

    @Test("requeue with delay: delivered again only after the delay, attempts counted")
    func requeueWithDelay() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "requeue")
        _ = try await Self.insertImages(pool, count: 1, prefix: "retry")
        let consumer = MySQLImageConsumer(pool: pool, configuration: .init(owner: "c", maxInFlight: 1))
        let deliveries = Mutex<[(attempt: Int, at: ContinuousClock.Instant)]>([])
        let task = Task {
            try await consumer.run { delivery in
                let count = deliveries.withLock { list -> Int in
                    list.append((delivery.deliveryAttempt, .now))
                    return list.count
                }
                if count == 1 { return .requeue(delay: .milliseconds(400)) }
                _ = try? await pool.execute("UPDATE images SET status = 1 WHERE id = ?", [.int(delivery.imageID)])
                return .finished
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while deliveries.withLock({ $0.count }) < 2 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        consumer.beginShutdown()
        try await task.value
        let seen = deliveries.withLock { $0 }
        #expect(seen.count == 2)
        #expect(seen.map(\.attempt) == [1, 2])
        if seen.count == 2 { #expect(seen[1].at - seen[0].at >= .milliseconds(390)) }
        await pool.shutdown()
    }

    @Test("touch extends the lease so long work is not redelivered")
    func touchExtendsLease() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "touch")
        let ids = try await Self.insertImages(pool, count: 1, prefix: "touch")
        let consumer = MySQLImageConsumer(pool: pool, configuration: .init(owner: "t", maxInFlight: 1, lease: .seconds(2)))
        let other = MySQLImageConsumer(pool: pool, configuration: .init(owner: "other", maxInFlight: 1))
        let stolen = Atomic<Bool>(false)
        let claimed = Atomic<Bool>(false)
        let task = Task {
            try await consumer.run { delivery in
                claimed.store(true, ordering: .relaxed)
                // 5 s of work, twice the lease: only the touches keep the image ours.
                for _ in 0..<10 {
                    try? await Task.sleep(for: .milliseconds(500))
                    await delivery.touch()
                }
                _ = try? await pool.execute("UPDATE images SET status = 1 WHERE id = ?", [.int(delivery.imageID)])
                return .finished
            }
        }
        // Only once "t" holds the image does a competitor start polling for expired leases.
        while !claimed.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
        let otherTask = Task { try await other.run { _ in stolen.store(true, ordering: .relaxed); return .finished } }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try await pool.query("SELECT status FROM images WHERE id = ?", [.int(ids[0])]).first?["status"]?.int == 1 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        consumer.beginShutdown()
        other.beginShutdown()
        try await task.value
        try await otherTask.value
        let wasStolen = stolen.load(ordering: .relaxed)
        #expect(!wasStolen)
        await pool.shutdown()
    }

    @Test("the image id message is 8 bytes little-endian, as the Go sample sends it")
    func messageFormat() {
        #expect(ImageIDMessage.encode(23) == [23, 0, 0, 0, 0, 0, 0, 0])
        #expect(ImageIDMessage.encode(0x0102_0304_0506_0708) == [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(ImageIDMessage.decode([8, 7, 6, 5, 4, 3, 2, 1]) == 0x0102_0304_0506_0708)
        #expect(ImageIDMessage.decode([1, 2, 3]) == nil)
    }
}

/// Records who handles what, and whether two handlers ever overlapped on one image.
final class Ledger: @unchecked Sendable {
    private let lock = NSLock()
    private var active: Set<Int64> = []
    private(set) var handled: [Int64: Int] = [:]
    private(set) var owners: Set<String> = []
    private(set) var overlaps = 0

    func begin(_ id: Int64, by owner: String) {
        lock.withLock {
            if !active.insert(id).inserted { overlaps += 1 }
            handled[id, default: 0] += 1
            owners.insert(owner)
        }
    }

    func end(_ id: Int64) { lock.withLock { _ = active.remove(id) } }
}
