import Foundation
import ImageQueue
import Logging
import MySQL
import SharedTestSupport
import Synchronization

/// Enqueue (the pending-row insert) and claim throughput with 1 and 4 consumers, and enqueue-to-claim
/// latency on an idle queue.
func runMySQLQueueBenchmarks() async throws {
    print("\n== MySQL table queue (real MariaDB) ==")
    let images = 5_000

    // Enqueue: single-row inserts from 8 concurrent callers, and 100-row batches.
    let pool = try await TestDatabase.shared.makeFreshDatabase(poolSize: 8, label: "bench")
    var start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<8 {
            group.addTask {
                for i in stride(from: worker, to: images, by: 8) {
                    try await pool.execute("INSERT INTO images (path, status) VALUES (?, 0)", [.string("single/\(i).jpg")])
                }
            }
        }
        try await group.waitForAll()
    }
    let single = Double(images) / (ContinuousClock.now - start).seconds
    start = ContinuousClock.now
    for batch in 0..<(images / 100) {
        let values = SQLPlaceholders.list(100, each: "(?, 0)")
        let params: [MySQLValue] = (0..<100).map { .string("batch/\(batch)/\($0).jpg") }
        try await pool.execute("INSERT INTO images (path, status) VALUES \(values)", params)
    }
    let batched = Double(images) / (ContinuousClock.now - start).seconds
    print(String(format: "enqueue, single-row inserts (8 callers):  %8.0f images/s", single))
    print(String(format: "enqueue, 100-row batches:                 %8.0f images/s", batched))
    await pool.shutdown()

    for consumers in [1, 4] {
        let pool = try await TestDatabase.shared.makeFreshDatabase(poolSize: 8, label: "benchc")
        for batch in 0..<(images / 100) {
            let values = SQLPlaceholders.list(100, each: "(?, 0)")
            let params: [MySQLValue] = (0..<100).map { .string("c/\(batch)/\($0).jpg") }
            try await pool.execute("INSERT INTO images (path, status) VALUES \(values)", params)
        }
        let done = SharedCount()
        let queue = (0..<consumers).map {
            MySQLImageConsumer(pool: pool, configuration: .init(owner: "bench-\($0)", maxInFlight: 8))
        }
        let begin = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for consumer in queue {
                group.addTask {
                    try await consumer.run { delivery in
                        // Acknowledge the way the processor does: mark processed, clear the lease.
                        _ = try? await pool.execute(
                            "UPDATE images SET status = 1, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?",
                            [.int(delivery.imageID), .string(delivery.claim?.owner ?? "")])
                        if done.increment() == images { queue.forEach { $0.beginShutdown() } }
                        return .finished
                    }
                }
            }
            try await group.waitForAll()
        }
        let rate = Double(images) / (ContinuousClock.now - begin).seconds
        print(String(format: "claim + ack, %d consumer%@ (8 in flight each): %8.0f images/s", consumers, consumers == 1 ? " " : "s", rate))
        await pool.shutdown()
    }

    // Wake-up latency: one idle consumer, rows inserted one at a time with random gaps.
    let latencyPool = try await TestDatabase.shared.makeFreshDatabase(poolSize: 4, label: "benchl")
    let consumer = MySQLImageConsumer(pool: latencyPool, configuration: .init(owner: "latency", maxInFlight: 4))
    let insertedAt = Mutex<[Int64: ContinuousClock.Instant]>([:])
    let latencies = Mutex<[Duration]>([])
    let samples = 100
    let task = Task {
        try await consumer.run { delivery in
            let now = ContinuousClock.now
            if let at = insertedAt.withLock({ $0[delivery.imageID] }) {
                latencies.withLock { $0.append(now - at) }
            }
            _ = try? await latencyPool.execute("UPDATE images SET status = 1 WHERE id = ?", [.int(delivery.imageID)])
            return .finished
        }
    }
    try await Task.sleep(for: .milliseconds(300))
    for i in 0..<samples {
        try await Task.sleep(for: .milliseconds(Int.random(in: 50...250)))
        let before = ContinuousClock.now
        let id = try await latencyPool.execute("INSERT INTO images (path, status) VALUES (?, 0)", [.string("lat/\(i).jpg")]).lastInsertID
        insertedAt.withLock { $0[Int64(id)] = before }
    }
    try await Task.sleep(for: .milliseconds(500))
    consumer.beginShutdown()
    try await task.value
    let sorted = latencies.withLock { $0 }.sorted()
    if !sorted.isEmpty {
        let p50 = sorted[sorted.count / 2].milliseconds
        let p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)].milliseconds
        print(String(format: "enqueue-to-claim on an idle queue (%d samples): p50 %.1f ms, p99 %.1f ms", sorted.count, p50, p99))
    }
    await latencyPool.shutdown()
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}

final class SharedCount: Sendable {
    private let value = Atomic<Int>(0)
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }
}
