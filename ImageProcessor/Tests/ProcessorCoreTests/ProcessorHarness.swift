import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import ImageQueue
import Logging
import MySQL
import SharedTestSupport

@testable import ProcessorCore

/// A processor wired to a real database, a real gRPC client, and the MySQL queue.
struct ProcessorHarness {
    let pool: MySQLPool
    let channel: FaceRecognitionChannel
    let channelTask: Task<Void, any Error>
    let breaker: CircuitBreaker
    let settings: ProcessorSettings
    let processor: ImageProcessor

    static func make(
        pool: MySQLPool? = nil, grpcPort: Int, maxAttempts: Int = 3, lease: Duration = .seconds(30),
        breakerFailures: Int = 3, coolDown: Duration = .milliseconds(300), v1: Bool = false, owner: String = "worker-a",
        grouping: (@Sendable (MySQLPool) -> any FaceGrouping)? = nil
    ) async throws -> ProcessorHarness {
        let database: MySQLPool
        if let pool {
            database = pool
        } else {
            database = try await TestDatabase.shared.makeFreshDatabase(poolSize: 12, label: "processor")
        }
        let channel = try FaceRecognitionChannel(host: "127.0.0.1", port: grpcPort)
        let client = channel.client
        let channelTask = Task { try await client.runConnections() }
        let breaker = CircuitBreaker(failureThreshold: breakerFailures, coolDown: coolDown, gauge: nil)
        let settings = ProcessorSettings(
            owner: owner, maxAttempts: maxAttempts, retryBase: .milliseconds(20), retryMax: .milliseconds(200), lease: lease,
            recognitionDeadline: .seconds(5), healthDeadline: .seconds(1), unavailableDelay: .milliseconds(100))
        let repository = ImageRepository(pool: database)
        let recognizer: any FaceRecognizer =
            v1 ? GRPCFaceRecognizerV1(client: client, people: repository) : GRPCFaceRecognizer(client: client)
        var logger = Logger(label: "processor-test")
        logger.logLevel = ProcessInfo.processInfo.environment["PROCESSOR_TEST_LOG"] == nil ? .critical : .warning
        let processor = ImageProcessor(
            repository: repository, recognizer: recognizer, breaker: breaker, settings: settings,
            grouping: grouping?(database), logger: logger)
        return ProcessorHarness(
            pool: database, channel: channel, channelTask: channelTask, breaker: breaker, settings: settings, processor: processor)
    }

    func close(keepPool: Bool = false) async {
        channel.close()
        _ = try? await channelTask.value
        if !keepPool { await pool.shutdown() }
    }

    /// A running MySQL-queue consumer feeding the processor; cancel the task to kill it.
    func startConsumer(owner: String? = nil, maxInFlight: Int = 4, lease: Duration? = nil) -> (MySQLImageConsumer, Task<Void, any Error>) {
        var logger = Logger(label: "queue-test")
        logger.logLevel = .critical
        let consumer = MySQLImageConsumer(
            pool: pool,
            configuration: MySQLQueueConfiguration(
                owner: owner ?? settings.owner, maxInFlight: maxInFlight, lease: lease ?? settings.lease,
                minPoll: .milliseconds(5), maxPoll: .milliseconds(50)),
            logger: logger)
        let processor = self.processor
        let task = Task { try await consumer.run { await processor.handle($0) } }
        return (consumer, task)
    }

    @discardableResult
    func insertImages(_ paths: [String]) async throws -> [Int64] {
        var ids: [Int64] = []
        for path in paths {
            let result = try await pool.execute("INSERT INTO images (path, status, queued_at) VALUES (?, 0, NOW(6))", [.string(path)])
            ids.append(Int64(result.lastInsertID))
        }
        return ids
    }

    func insertPeople(_ count: Int) async throws {
        for i in 1...count {
            try await pool.execute("INSERT INTO person (id, name) VALUES (?, ?)", [.int(Int64(i)), .string("Person \(i)")])
        }
    }

    func int(_ sql: String, _ parameters: [MySQLValue] = []) async throws -> Int {
        Int(try await pool.query(sql, parameters)[0].values[0].int ?? -1)
    }

    func row(_ id: Int64) async throws -> MySQLRow {
        try await pool.query("SELECT status, person, attempts, last_error, lease_owner FROM images WHERE id = ?", [.int(id)])[0]
    }

    /// Polls until `condition` holds, failing after `timeout`.
    func waitUntil(timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError("timed out waiting for: \(what)")
    }
}

func delivery(_ id: Int64, claim: ImageClaim? = nil) -> ImageDelivery {
    ImageDelivery(imageID: id, deliveryAttempt: 1, claim: claim, touch: {})
}
