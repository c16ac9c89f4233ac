import Foundation
import ImageQueue
import Logging
import MySQL
import NSQ
import SharedTestSupport
import Testing

@testable import ProcessorCore

@Suite("Sweeper")
struct SweeperTests {
    struct Setup {
        let pool: MySQLPool
        let nsqd: NSQTestServer
        let producer: NSQProducer
        let publisher: NSQImagePublisher

        static func make() async throws -> Setup {
            let pool = try await TestDatabase.shared.makeFreshDatabase(poolSize: 6, label: "sweeper")
            let nsqd = try await NSQTestServer.start()
            let producer = try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: nsqd.address))
            return Setup(pool: pool, nsqd: nsqd, producer: producer, publisher: try NSQImagePublisher(producer: producer))
        }

        func sweeper(maxAttempts: Int = 3) -> Sweeper {
            var logger = Logger(label: "sweeper-test")
            logger.logLevel = .critical
            return Sweeper(
                pool: pool, publisher: publisher,
                settings: Sweeper.Settings(interval: .milliseconds(100), maxAttempts: maxAttempts, unqueuedGrace: .seconds(5)),
                logger: logger)
        }

        func close() async {
            producer.shutdown()
            try? await nsqd.stop()
            await pool.shutdown()
        }

        func published() async throws -> [Int64] {
            try await nsqd.snapshot().published["images", default: []].compactMap { ImageIDMessage.decode(Array($0.readableBytesView)) }
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
