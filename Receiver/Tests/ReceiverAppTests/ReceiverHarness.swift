import Foundation
import Hummingbird
import HummingbirdTesting
import ImageFiles
import ImageQueue
import Logging
import MySQL
import Observability
import Prometheus
import ReceiverApp
import SharedTestSupport
import Synchronization

/// A real `ImagePublisher` wrapper that remembers each publish call, so tests can see how many calls
/// (MPUBs) a request made and with which ids.
final class RecordingPublisher: ImagePublisher {
    let inner: any ImagePublisher
    private let calls = Mutex<[[Int64]]>([])

    init(_ inner: any ImagePublisher = MySQLImagePublisher()) { self.inner = inner }

    func publish(_ ids: [Int64]) async throws {
        calls.withLock { $0.append(ids) }
        try await inner.publish(ids)
    }

    var published: [[Int64]] { calls.withLock { $0 } }
}

/// A fresh migrated database, an image root folder and the app's dependencies on them.
struct ReceiverHarness {
    let pool: MySQLPool
    let root: String
    let publisher: RecordingPublisher
    let health: HealthState
    let dependencies: ReceiverDependencies

    static func make(
        settings: ReceiverSettings = .init(), publisher: any ImagePublisher = MySQLImagePublisher()
    ) async throws -> ReceiverHarness {
        let pool = try await TestDatabase.shared.makeFreshDatabase(poolSize: 4, label: "receiver")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("receiver-root-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let recording = RecordingPublisher(publisher)
        let health = HealthState()
        health.markStarted()
        var logger = Logger(label: "receiver-test")
        logger.logLevel = .critical
        let dependencies = ReceiverDependencies(
            store: MySQLImageStore(pool: pool), publisher: recording,
            imageRoot: ImageRoot(path: root), health: health, registry: PrometheusCollectorRegistry(), settings: settings,
            logger: logger)
        return ReceiverHarness(pool: pool, root: root, publisher: recording, health: health, dependencies: dependencies)
    }

    func app() -> some ApplicationProtocol {
        Application(router: buildRouter(dependencies), logger: dependencies.logger)
    }

    func close() async {
        await pool.shutdown()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Waits for the publishes that run after the answers (coalesced batches), then returns every publish
    /// call's ids.
    func published() async -> [[Int64]] {
        _ = await dependencies.publishes.finish(within: .seconds(10))
        return publisher.published
    }

    func count(_ sql: String, _ parameters: [MySQLValue] = []) async throws -> Int {
        try await pool.query(sql, parameters)[0].values[0].int.map(Int.init) ?? -1
    }

    /// The count once it reaches `expected` (or the last one seen after `timeout`): for what happens just
    /// after the answers went out (the coalesced path publishes after answering).
    func count(_ sql: String, reaches expected: Int, within timeout: Duration = .seconds(5)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while true {
            let value = try await count(sql)
            if value == expected || ContinuousClock.now >= deadline { return value }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }
}

func jsonBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
let jsonHeaders: HTTPFields = [.contentType: "application/json"]
