import Logging
import NIOCore
import NIOPosix
import Synchronization

public struct NSQProducerConfiguration: Sendable {
    /// The nsqd to publish to, `host:port` (TCP port, default 4150).
    public var nsqdTCPAddress: String
    public var clientID: String = NSQClientIdentity.shortHostname
    public var hostname: String = NSQClientIdentity.hostname
    public var userAgent: String = NSQClientIdentity.userAgent
    /// nil disables heartbeats (`-1`); nsqd accepts 1 s ... 60 s.
    public var heartbeatInterval: Duration? = .seconds(30)
    public var authSecret: String?
    public var connectTimeout: Duration = .seconds(5)
    /// How long to wait for `OK`; past it the connection is dropped (replies are ordered) and the publish fails.
    public var responseTimeout: Duration = .seconds(10)
    /// Delay before reconnecting after failed connection attempts; publishes fail fast meanwhile.
    public var reconnectBackoff = NSQBackoffPolicy(initial: .milliseconds(100), maximum: .seconds(10))
    /// Tries per publish when the connection is lost before the reply (at-least-once: may duplicate).
    public var maxAttemptsOnConnectionLoss: Int = 2

    public init(nsqdTCPAddress: String) {
        self.nsqdTCPAddress = nsqdTCPAddress
    }
}

/// Publishes to one nsqd over one long-lived, pipelined connection.
///
/// Any number of tasks may publish at once: commands go out back to back and replies are matched in order
/// (`NSQConnectionHandler`). A lost connection is re-opened on the next publish; after failed connection
/// attempts publishes fail fast with the last error until the backoff delay has passed.
public final class NSQProducer: Sendable {
    private enum State {
        case idle(failures: Int, retryAfter: ContinuousClock.Instant?, lastError: NSQError?)
        case connecting(Task<NSQConnection, any Error>)
        case connected(NSQConnection)
        case shutDown
    }

    private enum Step {
        case use(NSQConnection)
        case wait(Task<NSQConnection, any Error>)
        case fail(NSQError)
    }

    public let configuration: NSQProducerConfiguration
    private let address: NSQAddress
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state = Mutex<State>(.idle(failures: 0, retryAfter: nil, lastError: nil))
    private let metricsByTopic = Mutex<[String: NSQMetrics]>([:])

    public init(
        configuration: NSQProducerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "nsq.producer")
    ) throws {
        self.configuration = configuration
        self.address = try NSQAddress(parsing: configuration.nsqdTCPAddress, defaultPort: 4150)
        self.group = eventLoopGroup
        var logger = logger
        logger[metadataKey: "nsqd"] = "\(address)"
        self.logger = logger
    }

    /// `PUB`: one message.
    public func publish(topic: String, body: ByteBuffer) async throws {
        try NSQNames.validateTopic(topic)
        try Self.validateBody(body)
        try await perform(.pub(topic: topic, body: body), topic: topic, messageCount: 1)
    }

    /// `MPUB`: several messages in one command, accepted or rejected together.
    public func multiPublish(topic: String, bodies: [ByteBuffer]) async throws {
        try NSQNames.validateTopic(topic)
        guard !bodies.isEmpty else { throw NSQError.invalidArgument("MPUB needs at least one message") }
        for body in bodies { try Self.validateBody(body) }
        try await perform(.mpub(topic: topic, bodies: bodies), topic: topic, messageCount: bodies.count)
    }

    /// `DPUB`: one message that nsqd holds back for `delay` (millisecond resolution).
    public func deferredPublish(topic: String, delay: Duration, body: ByteBuffer) async throws {
        try NSQNames.validateTopic(topic)
        try Self.validateBody(body)
        guard delay >= .zero else { throw NSQError.invalidArgument("DPUB delay must not be negative") }
        try await perform(.dpub(topic: topic, deferMilliseconds: delay.nsqMilliseconds, body: body), topic: topic, messageCount: 1)
    }

    public func publish(topic: String, body: [UInt8]) async throws {
        try await publish(topic: topic, body: ByteBuffer(bytes: body))
    }

    public func multiPublish(topic: String, bodies: [[UInt8]]) async throws {
        try await multiPublish(topic: topic, bodies: bodies.map { ByteBuffer(bytes: $0) })
    }

    /// Closes the connection; later publishes throw `NSQError.shutDown`.
    public func shutdown() {
        let previous = state.withLock { state -> State in
            defer { state = .shutDown }
            return state
        }
        switch previous {
        case .connected(let connection): connection.close()
        case .connecting(let task): task.cancel()
        case .idle, .shutDown: break
        }
    }

    private static func validateBody(_ body: ByteBuffer) throws {
        // nsqd rejects empty bodies with a fatal E_BAD_MESSAGE.
        guard body.readableBytes > 0 else { throw NSQError.invalidArgument("message body must not be empty") }
    }

    private func perform(_ command: NSQCommand, topic: String, messageCount: Int) async throws {
        let metrics = metrics(for: topic)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let connection = try await connection()
                let reply = try await connection.request(command)
                guard reply.readableBytesView.elementsEqual(NSQFrame.ok.utf8) else {
                    connection.close()
                    throw NSQError.protocolViolation("expected OK to \(command.name), got \(String(buffer: reply))")
                }
                metrics.published.increment(by: Int64(messageCount))
                return
            } catch NSQError.connectionClosed where attempt < configuration.maxAttemptsOnConnectionLoss {
                logger.debug("connection lost during \(command.name), retrying on a new connection")
                continue
            } catch {
                metrics.publishErrors.increment()
                logger.warning("NSQ publish failed", metadata: ["topic": "\(topic)", "command": "\(command.name)", "error": "\(error)"])
                throw error
            }
        }
    }

    private func metrics(for topic: String) -> NSQMetrics {
        metricsByTopic.withLock { cache in
            if let metrics = cache[topic] { return metrics }
            let metrics = NSQMetrics(topic: topic)
            cache[topic] = metrics
            return metrics
        }
    }

    private func connection() async throws -> NSQConnection {
        let step = state.withLock { state -> Step in
            if case .connected(let connection) = state, !connection.isActive {
                state = .idle(failures: 0, retryAfter: nil, lastError: nil)
            }
            switch state {
            case .shutDown:
                return .fail(.shutDown)
            case .connected(let connection):
                return .use(connection)
            case .connecting(let task):
                return .wait(task)
            case .idle(let failures, let retryAfter, let lastError):
                if let retryAfter, ContinuousClock.now < retryAfter {
                    return .fail(lastError ?? .connectionClosed)
                }
                let task = Task { try await self.openConnection(previousFailures: failures) }
                state = .connecting(task)
                return .wait(task)
            }
        }
        switch step {
        case .use(let connection): return connection
        case .wait(let task): return try await task.value
        case .fail(let error): throw error
        }
    }

    private func openConnection(previousFailures: Int) async throws -> NSQConnection {
        let identify = NSQIdentifyRequest(
            clientID: configuration.clientID,
            hostname: configuration.hostname,
            userAgent: configuration.userAgent,
            featureNegotiation: true,
            heartbeatInterval: configuration.heartbeatInterval.map { $0.nsqMilliseconds } ?? -1
        )
        let settings = NSQConnectionSettings(
            identify: identify,
            authSecret: configuration.authSecret,
            connectTimeout: configuration.connectTimeout,
            responseTimeout: configuration.responseTimeout
        )
        let logger = self.logger
        do {
            let connection = try await NSQConnection.open(to: address, settings: settings, group: group, logger: logger) { event in
                switch event {
                case .unsolicitedError(let error):
                    logger.warning("nsqd error on producer connection", metadata: ["error": "\(error)"])
                case .message:
                    logger.warning("nsqd sent a message to a producer connection")
                case .closed:
                    logger.debug("producer connection closed")
                }
            }
            let keep = state.withLock { state -> Bool in
                if case .shutDown = state { return false }
                state = .connected(connection)
                return true
            }
            guard keep else {
                connection.close()
                throw NSQError.shutDown
            }
            return connection
        } catch {
            let failures = previousFailures + 1
            let delay = configuration.reconnectBackoff.delay(attempt: failures)
            let nsqError = (error as? NSQError) ?? .connectFailed(address: "\(address)", reason: "\(error)")
            state.withLock { state in
                if case .shutDown = state { return }
                state = .idle(failures: failures, retryAfter: .now + delay, lastError: nsqError)
            }
            logger.warning("could not connect to nsqd", metadata: ["error": "\(nsqError)", "retry_in": "\(delay)"])
            throw nsqError
        }
    }
}
