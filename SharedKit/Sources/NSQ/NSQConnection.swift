import Logging
import NIOCore
import NIOPosix

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How to open and set up one nsqd connection.
struct NSQConnectionSettings: Sendable {
    var identify: NSQIdentifyRequest
    var authSecret: String?
    var connectTimeout: Duration
    var responseTimeout: Duration
    var maximumFrameSize: Int = 16 * 1024 * 1024
}

/// One TCP connection to nsqd after magic, IDENTIFY (feature negotiation) and, when required, AUTH.
final class NSQConnection: Sendable {
    let channel: any Channel
    let address: NSQAddress
    /// nsqd's negotiated settings; nil when it answered IDENTIFY with a plain `OK`.
    let negotiated: NSQIdentifyResponse?
    private let responseTimeout: Duration

    private init(channel: any Channel, address: NSQAddress, negotiated: NSQIdentifyResponse?, responseTimeout: Duration) {
        self.channel = channel
        self.address = address
        self.negotiated = negotiated
        self.responseTimeout = responseTimeout
    }

    static func open(
        to address: NSQAddress,
        settings: NSQConnectionSettings,
        group: any EventLoopGroup,
        logger: Logger,
        onEvent: @escaping @Sendable (NSQConnectionEvent) -> Void
    ) async throws -> NSQConnection {
        var logger = logger
        logger[metadataKey: "nsqd"] = "\(address)"
        let handlerLogger = logger
        let maximumFrameSize = settings.maximumFrameSize
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(settings.connectTimeout.timeAmount)
                // A TCP-level option: `.socketOption(.tcp_nodelay)` would be SOL_SOCKET option 1, SO_DEBUG, which
                // needs CAP_NET_ADMIN and failed every connect in a pod with `capabilities: drop: [ALL]`.
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        try sync.addHandler(ByteToMessageHandler(NSQFrameDecoder(maximumFrameSize: maximumFrameSize)))
                        try sync.addHandler(MessageToByteHandler(NSQCommandEncoder()))
                        try sync.addHandler(NSQConnectionHandler(logger: handlerLogger, onEvent: onEvent))
                    }
                }
                .connect(host: address.host, port: address.port)
                .get()
        } catch {
            throw NSQError.connectFailed(address: "\(address)", reason: "\(error)")
        }
        do {
            try await channel.writeAndFlush(NSQOutboundRequest(command: .magicV2, response: nil)).get()
            let identify = try JSONEncoder().encode(settings.identify)
            let probe = NSQConnection(channel: channel, address: address, negotiated: nil, responseTimeout: settings.responseTimeout)
            let reply = try await probe.request(.identify(ByteBuffer(bytes: identify)))
            var negotiated: NSQIdentifyResponse?
            if reply.readableBytesView.first == UInt8(ascii: "{") {
                do {
                    negotiated = try JSONDecoder().decode(NSQIdentifyResponse.self, from: Data(reply.readableBytesView))
                } catch {
                    throw NSQError.protocolViolation("IDENTIFY reply is not valid JSON: \(String(buffer: reply))")
                }
            } else if String(buffer: reply) != NSQFrame.ok {
                throw NSQError.protocolViolation("unexpected IDENTIFY reply \(String(buffer: reply))")
            }
            if negotiated?.tlsV1 == true || negotiated?.snappy == true || negotiated?.deflate == true {
                throw NSQError.protocolViolation("nsqd enabled TLS/snappy/deflate, which this client never requests")
            }
            if negotiated?.authRequired == true {
                guard let secret = settings.authSecret else {
                    throw NSQError.connectFailed(address: "\(address)", reason: "nsqd requires AUTH and no secret is configured")
                }
                let authReply = try await probe.request(.auth(ByteBuffer(string: secret)))
                logger.debug("nsqd AUTH accepted", metadata: ["reply": "\(String(buffer: authReply))"])
            }
            logger.debug("connected to nsqd", metadata: ["version": "\(negotiated?.version ?? "unknown")"])
            return NSQConnection(channel: channel, address: address, negotiated: negotiated, responseTimeout: settings.responseTimeout)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Sends a command that nsqd replies to and returns the reply; an error frame throws `NSQError.server`.
    /// No reply within the response timeout closes the connection (later replies would be mismatched).
    func request(_ command: NSQCommand, timeout: Duration? = nil) async throws -> ByteBuffer {
        let channel = self.channel
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        let commandName = command.name
        let timeout = (timeout ?? responseTimeout).timeAmount
        // One hop to the event loop for timer and write together (this is the publish hot path).
        channel.eventLoop.execute {
            let timer = channel.eventLoop.scheduleTask(in: timeout) {
                promise.fail(NSQError.timedOut("no reply to \(commandName)"))
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in timer.cancel() }
            // A channel that closed meanwhile has no handlers left to fail the reply promise: do it here.
            let written = channel.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenFailure { _ in promise.fail(NSQError.connectionClosed) }
            channel.writeAndFlush(NSQOutboundRequest(command: command, response: promise), promise: written)
        }
        return try await promise.futureResult.get()
    }

    /// Writes a command that gets no reply on success (RDY, FIN, REQ, TOUCH, NOP).
    @discardableResult
    func send(_ command: NSQCommand) -> EventLoopFuture<Void> {
        channel.writeAndFlush(NSQOutboundRequest(command: command, response: nil))
    }

    func close() {
        channel.close(promise: nil)
    }

    var isActive: Bool { channel.isActive }
}
