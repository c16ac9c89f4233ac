import Foundation
import Synchronization
import ImageQueue
import Logging
import MySQL
import NSQ
import SharedTestSupport
import Testing

@testable import ProcessorCore

@Suite("Sweeper")
struct SweeperTests {
    /// A fresh database and a real nsqd (+ nsqlookupd); `published()` drains what nsqd holds for the test's
    /// channel and returns every id announced so far.
    final class Setup: Sendable {
        let pool: MySQLPool
        let daemons: NSQDaemons
        let producer: NSQProducer
        let publisher: NSQImagePublisher
        private let drained = Mutex<[Int64]>([])

        init(pool: MySQLPool, daemons: NSQDaemons, producer: NSQProducer, publisher: NSQImagePublisher) {
            self.pool = pool
            self.daemons = daemons
            self.producer = producer
            self.publisher = publisher
        }

        static func make(nsqdArguments: [String] = []) async throws -> Setup {
            let pool = try await TestDatabase.shared.makeFreshDatabase(poolSize: 6, label: "sweeper")
            let daemons = try await NSQDaemons.start(nsqdArguments: nsqdArguments)
            try await daemons.createChannel(topic: "images", channel: "sweeper-test")
            let producer = try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: daemons.nodes[0].tcpAddress))
            return Setup(pool: pool, daemons: daemons, producer: producer, publisher: try NSQImagePublisher(producer: producer))
        }

        func sweeper(maxAttempts: Int = 3, requeueAfter: Duration = .seconds(600)) -> Sweeper {
            var logger = Logger(label: "sweeper-test")
            logger.logLevel = .critical
            return Sweeper(
                pool: pool, publisher: publisher,
                settings: Sweeper.Settings(
                    interval: .milliseconds(100), maxAttempts: maxAttempts, unqueuedGrace: .seconds(5), requeueAfter: requeueAfter),
                logger: logger)
        }

        func close() async {
            producer.shutdown()
            daemons.shutdown()
            await pool.shutdown()
        }

        func published() async throws -> [Int64] {
            let stats = try await daemons.channelStats(node: 0, topic: "images", channel: "sweeper-test")
            if stats.depth > 0 {
                var configuration = NSQConsumerConfiguration(topic: "images", channel: "sweeper-test")
                configuration.nsqdTCPAddresses = daemons.nsqdTCPAddresses
                configuration.maxInFlight = 100
                configuration.outputBufferTimeout = .milliseconds(25)  // nsqd's --min-output-buffer-timeout
                var logger = Logger(label: "sweeper-test-drain")
                logger.logLevel = .critical
                let consumer = try NSQConsumer(configuration: configuration, logger: logger)
                let before = drained.withLock { $0.count }
                let run = Task {
                    try await consumer.run { delivery in
                        if let id = ImageIDMessage.decode(delivery.message.bodyBytes) { self.drained.withLock { $0.append(id) } }
                        return .finish
                    }
                }
                let deadline = ContinuousClock.now + .seconds(10)
                while drained.withLock({ $0.count }) - before < stats.depth && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                consumer.beginShutdown()
                try await run.value
            }
            return drained.withLock { $0 }
        }

        func int(_ sql: String) async throws -> Int { Int(try await pool.query(sql)[0].values[0].int ?? -1) }
    }

    @Test("pending rows never queued (publish failed) are published once the grace has passed, then marked")
    func republishesUnqueued() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.close() } }
        try await setup.pool.execute(
            "INSERT INTO images (path, status, created_at) VALUES ('old1.jpg', 0, NOW(6) - INTERVAL 1 MINUTE), ('old2.jpg', 0, NOW(6) - INTERVAL 1 MINUTE), ('fresh.jpg', 0, NOW(6))")
        try await setup.pool.execute(
            "INSERT INTO images (path, status, created_at, queued_at) VALUES ('queued.jpg', 0, NOW(6) - INTERVAL 1 MINUTE, NOW(6))")
        let report = try await setup.sweeper().sweepOnce()
        #expect(report.republished == 2)
        let ids = try await setup.pool.query("SELECT id FROM images WHERE path LIKE 'old%' ORDER BY id").map { try $0.decode("id", as: Int64.self) }
        #expect(try await setup.published().sorted() == ids)
        #expect(try await setup.int("SELECT COUNT(*) FROM images WHERE queued_at IS NULL") == 1)  // fresh.jpg, inside the grace
        // Nothing left to do: a second sweep publishes nothing.
        #expect(try await setup.sweeper().sweepOnce().republished == 0)
        #expect(try await setup.published().count == 2)
    }

    @Test("expired leases: released and re-announced below the attempt limit, failed for good at it")
    func staleLeases() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.close() } }
        try await setup.pool.execute(
            """
            INSERT INTO images (path, status, attempts, lease_owner, lease_expires_at, queued_at, last_error) VALUES
              ('crashed-once.jpg', 3, 1, 'dead-worker', NOW(6) - INTERVAL 5 SECOND, NOW(6), NULL),
              ('kills-workers.jpg', 3, 3, 'dead-worker', NOW(6) - INTERVAL 5 SECOND, NOW(6), 'deadline exceeded'),
              ('alive.jpg', 3, 1, 'live-worker', NOW(6) + INTERVAL 60 SECOND, NOW(6), NULL)
            """)
        let report = try await setup.sweeper(maxAttempts: 3).sweepOnce()
        #expect(report.failedForGood == 1)
        #expect(report.leasesReleased == 1)
        #expect(report.republished == 1)
        let rows = try await setup.pool.query("SELECT path, status, last_error, lease_owner FROM images ORDER BY id")
        #expect(try rows.map { try $0.decode("status", as: Int.self) } == [0, 2, 3])
        let error = try rows[1].decode("last_error", as: String.self)
        #expect(error.contains("gave up after 3 attempts"))
        #expect(error.contains("deadline exceeded"))
        #expect(try rows[2].decode("lease_owner", as: String?.self) == "live-worker")
        let crashed = try await setup.pool.query("SELECT id FROM images WHERE path = 'crashed-once.jpg'")[0].decode("id", as: Int64.self)
        #expect(try await setup.published() == [crashed])
    }

    @Test("a row the sample's processor left processing (no lease, acknowledged) is re-announced once older than the lease")
    func sampleAbandonedRows() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.close() } }
        // The sample's processor sets status 3 without a lease; stopped mid-image it leaves the row so.
        try await setup.pool.execute(
            """
            INSERT INTO images (path, person, status, updated_at) VALUES
              ('sample-stopped.jpg', -1, 3, NOW(6) - INTERVAL 2 MINUTE),
              ('sample-working.jpg', -1, 3, NOW(6))
            """)
        let report = try await setup.sweeper().sweepOnce()
        #expect(report.leasesReleased == 1)
        #expect(report.republished == 1)
        let stopped = try await setup.pool.query("SELECT id FROM images WHERE path = 'sample-stopped.jpg'")[0].decode("id", as: Int64.self)
        #expect(try await setup.published() == [stopped])
        let statuses = try await setup.pool.query("SELECT status FROM images ORDER BY id").map { try $0.decode("status", as: Int.self) }
        #expect(statuses == [0, 3])  // released for a claim; the one still inside the lease is left alone
    }

    @Test("several replicas sweeping at once publish each row once")
    func replicas() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.close() } }
        let values = (0..<200).map { "('r/\($0).jpg', 0, NOW(6) - INTERVAL 1 MINUTE)" }.joined(separator: ",")
        try await setup.pool.execute("INSERT INTO images (path, status, created_at) VALUES \(values)")
        let sweepers = (0..<4).map { _ in setup.sweeper() }
        let reports = try await withThrowingTaskGroup(of: Sweeper.Report.self) { group in
            for sweeper in sweepers { group.addTask { try await sweeper.sweepOnce() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.map(\.republished).reduce(0, +) == 200)
        let published = try await setup.published()
        #expect(published.count == 200)
        #expect(Set(published).count == 200)
    }

    @Test("announced rows nobody holds are re-announced after requeueAfter; leased or deferred rows are not")
    func requeueIsLeaseAware() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.close() } }
        try await setup.pool.execute(
            """
            INSERT INTO images (path, status, attempts, lease_owner, lease_expires_at, queued_at, next_attempt_at) VALUES
              ('lost-by-nsqd.jpg', 0, 0, NULL, NULL, NOW(6) - INTERVAL 3 SECOND, NULL),
              ('just-announced.jpg', 0, 0, NULL, NULL, NOW(6), NULL),
              ('retry-later.jpg', 0, 1, NULL, NULL, NOW(6) - INTERVAL 3 SECOND, NOW(6) + INTERVAL 60 SECOND),
              ('being-processed.jpg', 3, 1, 'live-worker', NOW(6) + INTERVAL 60 SECOND, NOW(6) - INTERVAL 2 SECOND, NULL)
            """)
        // The old fixed 600 s: nothing yet.
        #expect(try await setup.sweeper(requeueAfter: .seconds(600)).sweepOnce().republished == 0)
        let report = try await setup.sweeper(requeueAfter: .seconds(2)).sweepOnce()
        #expect(report.republished == 1)
        let lost = try await setup.pool.query("SELECT id FROM images WHERE path = 'lost-by-nsqd.jpg'")[0].decode("id", as: Int64.self)
        #expect(try await setup.published() == [lost])
        // Re-announcing reset queued_at: the next sweep leaves it alone.
        #expect(try await setup.sweeper(requeueAfter: .seconds(2)).sweepOnce().republished == 0)
    }

    @Test("a backlog draining in order is not re-announced: only rows something later has overtaken")
    func backlogIsNotReannounced() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.close() } }
        try await setup.pool.execute(
            """
            INSERT INTO images (path, status, lease_owner, lease_expires_at, queued_at) VALUES
              ('in-progress.jpg', 3, 'live-worker', NOW(6) + INTERVAL 60 SECOND, NOW(6) - INTERVAL 10 SECOND),
              ('waiting-its-turn.jpg', 0, NULL, NULL, NOW(6) - INTERVAL 5 SECOND)
            """)
        // What is being worked on was announced earlier: the waiting row is queued behind it, not lost.
        #expect(try await setup.sweeper(requeueAfter: .seconds(2)).sweepOnce().republished == 0)
        // Something announced after it is in progress now: it was skipped, i.e. lost.
        try await setup.pool.execute("UPDATE images SET queued_at = NOW(6) - INTERVAL 1 SECOND WHERE path = 'in-progress.jpg'")
        #expect(try await setup.sweeper(requeueAfter: .seconds(2)).sweepOnce().republished == 1)
        // Nothing in progress at all (idle or stalled pipeline): stale rows qualify.
        try await setup.pool.execute("UPDATE images SET status = 1, lease_owner = NULL, lease_expires_at = NULL WHERE path = 'in-progress.jpg'")
        try await setup.pool.execute("UPDATE images SET queued_at = NOW(6) - INTERVAL 5 SECOND WHERE path = 'waiting-its-turn.jpg'")
        #expect(try await setup.sweeper(requeueAfter: .seconds(2)).sweepOnce().republished == 1)
    }

    @Test("nsqd kill -9 loses its in-memory queue; the sweeper re-announces the rows within requeueAfter")
    func nsqdCrashIsRecoveredByTheSweeper() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.close() } }
        let values = (0..<50).map { "('crash/\($0).jpg', 0, NOW(6))" }.joined(separator: ",")
        try await setup.pool.execute("INSERT INTO images (path, status, queued_at) VALUES \(values)")
        let ids = try await setup.pool.query("SELECT id FROM images ORDER BY id").map { try $0.decode("id", as: Int64.self) }
        try await setup.publisher.publish(ids)
        #expect(try await setup.daemons.channelStats(node: 0, topic: "images", channel: "sweeper-test").depth == 50)
        setup.daemons.kill(node: 0)
        try await setup.daemons.restart(node: 0)
        #expect(try await setup.daemons.channelStats(node: 0, topic: "images", channel: "sweeper-test").depth == 0)
        let sweeper = setup.sweeper(requeueAfter: .seconds(1))
        let start = ContinuousClock.now
        var republished = 0
        while republished < 50 && ContinuousClock.now - start < .seconds(10) {
            republished += try await sweeper.sweepOnce().republished
            try await Task.sleep(for: .milliseconds(100))
        }
        print("sweeper: 50 ids lost by nsqd kill -9 re-announced after \(ContinuousClock.now - start)")
        #expect(republished == 50)
        #expect(try await setup.published().sorted() == ids)
    }

    @Test("a deadlock or lock wait timeout is retried at once; other errors and too many conflicts are not")
    func conflictsAreRetriedAtOnce() async throws {
        let logger = Logger(label: "sweeper-test", factory: { _ in SwiftLogNoOpLogHandler() })
        let calls = Mutex<Int>(0)
        let value = try await Sweeper.retryingConflicts(times: 3, logger: logger) { () async throws -> Int in
            let call = calls.withLock { $0 += 1; return $0 }
            if call == 1 { throw MySQLError(number: 1213, sqlState: "40001", message: "Deadlock found when trying to get lock") }
            if call == 2 { throw MySQLError(number: 1205, message: "Lock wait timeout exceeded") }
            return call
        }
        #expect(value == 3)
        calls.withLock { $0 = 0 }
        await #expect(throws: MySQLError.self) {
            try await Sweeper.retryingConflicts(times: 2, logger: logger) { () async throws -> Int in
                calls.withLock { $0 += 1 }
                throw MySQLError(number: 1213, message: "Deadlock")
            }
        }
        #expect(calls.withLock { $0 } == 3)
        calls.withLock { $0 = 0 }
        await #expect(throws: MySQLError.self) {
            try await Sweeper.retryingConflicts(times: 3, logger: logger) { () async throws -> Int in
                calls.withLock { $0 += 1 }
                throw MySQLError(number: 1146, message: "Table doesn't exist")
            }
        }
        #expect(calls.withLock { $0 } == 1)
    }

    @Test("MySQL queue mode: only the final-failure bookkeeping, nothing is published")
    func mysqlMode() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(poolSize: 2, label: "sweeper")
        defer { Task { await pool.shutdown() } }
        try await pool.execute(
            "INSERT INTO images (path, status, attempts, lease_owner, lease_expires_at) VALUES ('a.jpg', 3, 5, 'w', NOW(6) - INTERVAL 1 SECOND), ('b.jpg', 0, 0, NULL, NULL)")
        let report = try await Sweeper(pool: pool, publisher: nil, settings: .init(maxAttempts: 5)).sweepOnce()
        #expect(report == Sweeper.Report(failedForGood: 1, leasesReleased: 0, republished: 0, ranRepublish: false))
        #expect(Int(try await pool.query("SELECT status FROM images WHERE path = 'b.jpg'")[0].values[0].int ?? -1) == 0)
    }
}
