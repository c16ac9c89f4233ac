import NSQTestSupport
import Logging
import NIOCore
import NSQ

/// Logs nothing; tests assert on behaviour, not log lines.
let quietLogger = Logger(label: "nsq-tests", factory: { _ in SwiftLogNoOpLogHandler() })

func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// Server settings for tests: nsqd's validation, with a fast timeout scan.
func testServerConfiguration(_ change: (inout NSQTestServer.Configuration) -> Void = { _ in }) -> NSQTestServer.Configuration {
    var configuration = NSQTestServer.Configuration()
    configuration.scanInterval = .milliseconds(10)
    change(&configuration)
    return configuration
}

func consumerConfiguration(
    nsqd: [NSQTestServer] = [], lookupd: [NSQLookupdTestServer] = [], maxInFlight: Int = 1,
    _ change: (inout NSQConsumerConfiguration) -> Void = { _ in }
) -> NSQConsumerConfiguration {
    var configuration = NSQConsumerConfiguration(topic: "images", channel: "ch")
    configuration.nsqdTCPAddresses = nsqd.map(\.address)
    configuration.lookupdHTTPAddresses = lookupd.map(\.address)
    configuration.maxInFlight = maxInFlight
    configuration.clientID = "test-consumer"
    configuration.hostname = "test-host"
    configuration.userAgent = "nsq-tests/1"
    configuration.reconnectBackoff = NSQBackoffPolicy(initial: .milliseconds(20), maximum: .milliseconds(200))
    configuration.requeueBackoff = nil
    configuration.lookupdPollInterval = .milliseconds(100)
    configuration.lookupdPollJitter = 0.1
    change(&configuration)
    return configuration
}

/// Runs a consumer while `body` executes, then stops it gracefully and waits for `run` to return.
func withConsumer<T: Sendable>(
    _ configuration: NSQConsumerConfiguration,
    handler: @escaping NSQConsumer.Handler,
    _ body: (NSQConsumer) async throws -> T
) async throws -> T {
    let consumer = try NSQConsumer(configuration: configuration, logger: quietLogger)
    let run = Task { try await consumer.run(handler: handler) }
    do {
        let result = try await body(consumer)
        consumer.beginShutdown()
        try await run.value
        return result
    } catch {
        consumer.beginShutdown()
        _ = try? await run.value
        throw error
    }
}

/// A one-shot signal a test can wait for from async code.
final class Signal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream<Void>.makeStream()
    }

    func fire() { continuation.yield(); continuation.finish() }

    func wait() async {
        for await _ in stream { return }
    }
}


/// Polls an async condition (real daemons answer over HTTP) until it holds or `timeout` passes.
func eventually(_ what: String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw NSQTestServerTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(20))
    }
}
