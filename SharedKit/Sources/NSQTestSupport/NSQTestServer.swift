import NSQ
import Logging
import NIOCore
import NIOPosix

/// A protocol-exact, in-process stand-in for nsqd 1.2's TCP interface, used by tests and benchmarks
/// because nsqd itself cannot be installed where they run.
///
/// It follows nsqd's behaviour: the `"  V2"` magic, IDENTIFY with the same validation ranges and the
/// feature-negotiation JSON reply, heartbeats (and closing a client after two unanswered ones), SUB,
/// RDY as the client's in-flight window, message frames with attempts counted per delivery, FIN / REQ
/// (deferred by its timeout) / TOUCH with the non-fatal `E_*_FAILED` errors, redelivery after
/// `msg_timeout`, PUB / MPUB / DPUB with nsqd's size limits, CLS answered with `CLOSE_WAIT`, and the
/// fatal errors after which nsqd closes the connection. It is not a broker: no disk, no HTTP API, no
/// lookupd registration (see `NSQLookupdTestServer`).
public final class NSQTestServer: Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port; pass a previous server's port to "restart" it.
        public var port = 0
        public var maxRdyCount: Int64 = 2500
        public var msgTimeout: Duration = .seconds(60)
        public var maxMsgTimeout: Duration = .seconds(900)
        public var defaultHeartbeatInterval: Duration = .seconds(30)
        public var maxHeartbeatInterval: Duration = .seconds(60)
        public var maxMessageSize = 1_048_576
        public var maxBodySize = 5_242_880
        public var maxReqTimeout: Duration = .seconds(3600)
        public var version = "1.2.1"
        /// Topics answered with `E_BAD_TOPIC` although their names are valid, to exercise server errors
        /// (a real nsqd gives the same fatal answer for names it rejects).
        public var rejectedTopics: Set<String> = []
        /// How often in-flight timeouts and deferred messages are checked (nsqd: 100 ms).
        public var scanInterval: Duration = .milliseconds(20)
        /// When set, the server requires AUTH with this secret (as nsqd with `--auth-http-address` would,
        /// minus the auth server): IDENTIFY reports `auth_required`, SUB/PUB before AUTH get `E_AUTH_FIRST`.
        public var authSecret: String?
        /// Keep every published body for `snapshot().published` (benchmarks turn this off).
        public var recordsPublishedBodies = true
        /// Keep every command line per client for `snapshot()` (benchmarks turn this off).
        public var recordsCommands = true

        public init() {}
    }

    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: any Channel
    private let core: NSQTestServerCore

    public var address: String { "127.0.0.1:\(port)" }

    private init(port: Int, group: MultiThreadedEventLoopGroup, serverChannel: any Channel, core: NSQTestServerCore) {
        self.port = port
        self.group = group
        self.serverChannel = serverChannel
        self.core = core
    }

    public static func start(_ configuration: Configuration = Configuration()) async throws -> NSQTestServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let eventLoop = group.next()
        let core = NSQTestServerCore(eventLoop: eventLoop, configuration: configuration)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        try sync.addHandler(ByteToMessageHandler(NSQCommandDecoder(
                            maxMessageSize: configuration.maxMessageSize, maxBodySize: configuration.maxBodySize)))
                        try sync.addHandler(MessageToByteHandler(NSQFrameEncoder()))
                        try sync.addHandler(NSQTestServerHandler(core: core))
                    }
                }
                .bind(host: configuration.host, port: configuration.port)
                .get()
            try await eventLoop.submit { core.startScanning() }.get()
            return NSQTestServer(port: channel.localAddress?.port ?? configuration.port, group: group, serverChannel: channel, core: core)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening, drops every client connection, and releases the server's thread.
    public func stop() async throws {
        try? await serverChannel.close()
        let core = self.core
        try? await core.eventLoop.flatSubmit { core.shutdown() }.get()
        try await group.shutdownGracefully()
    }

    public func snapshot() async throws -> NSQTestServerSnapshot {
        let core = self.core
        return try await core.eventLoop.submit { core.snapshot() }.get()
    }

    /// Waits until `condition` holds for a snapshot (checked every few milliseconds), or throws after `timeout`.
    @discardableResult
    public func waitUntil(
        _ what: String = "condition",
        timeout: Duration = .seconds(10),
        _ condition: @Sendable (NSQTestServerSnapshot) -> Bool
    ) async throws -> NSQTestServerSnapshot {
        let deadline = ContinuousClock.now + timeout
        while true {
            let snapshot = try await self.snapshot()
            if condition(snapshot) { return snapshot }
            guard ContinuousClock.now < deadline else { throw NSQTestServerTimeout(what: what) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Puts a message on a topic, as nsqd's HTTP `/pub` would.
    public func inject(topic: String, body: ByteBuffer, defer deferTime: Duration = .zero) async throws {
        let core = self.core
        try await core.eventLoop.submit { core.publish(topic: topic, bodies: [body], defer: deferTime.timeAmount) }.get()
    }

    /// Closes every client connection from the server side (as when nsqd goes away), keeping state.
    public func disconnectClients() async throws {
        let core = self.core
        try await core.eventLoop.flatSubmit { core.closeAllClients() }.get()
    }
}

public struct NSQTestServerTimeout: Error, CustomStringConvertible {
    public var what: String
    public var description: String { "timed out waiting for \(what)" }

    public init(what: String) { self.what = what }
}

/// Feeds one client connection into the server core.
final class NSQTestServerHandler: ChannelInboundHandler {
    typealias InboundIn = NSQClientInput

    private let core: NSQTestServerCore
    private var clientID = 0

    init(core: NSQTestServerCore) {
        self.core = core
    }

    func channelActive(context: ChannelHandlerContext) {
        clientID = core.addClient(channel: context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        core.handle(clientID: clientID, input: unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        core.removeClient(clientID)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
