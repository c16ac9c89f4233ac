import Logging
import NIOCore

/// A command on its way to nsqd, with the promise for its reply when it gets one.
struct NSQOutboundRequest: Sendable {
    var command: NSQCommand
    var response: EventLoopPromise<ByteBuffer>?
}

/// What a connection reports besides replies to requests.
enum NSQConnectionEvent: Sendable {
    case message(NSQMessage)
    /// An error frame not answering a pending request (e.g. `E_FIN_FAILED`).
    case unsolicitedError(NSQServerError)
    case closed
}

/// Matches replies to requests and answers heartbeats.
///
/// nsqd answers commands in the order it reads them, so pending reply promises form a FIFO filled in
/// wire order (writes run on the event loop) and completed in frame order. `_heartbeat_` is not a reply:
/// it is answered with `NOP` right here, on producer and consumer connections alike.
final class NSQConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = NSQFrame
    typealias OutboundIn = NSQOutboundRequest
    typealias OutboundOut = NSQCommand

    private var pending = CircularBuffer<EventLoopPromise<ByteBuffer>>()
    private var closed = false
    private let onEvent: @Sendable (NSQConnectionEvent) -> Void
    private let logger: Logger

    init(logger: Logger, onEvent: @escaping @Sendable (NSQConnectionEvent) -> Void) {
        self.logger = logger
        self.onEvent = onEvent
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if closed {
            request.response?.fail(NSQError.connectionClosed)
            promise?.fail(NSQError.connectionClosed)
            return
        }
        if let response = request.response { pending.append(response) }
        context.write(wrapOutboundOut(request.command), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .response(let body):
            if body.readableBytesView.elementsEqual(NSQFrame.heartbeat.utf8) {
                logger.trace("nsqd heartbeat, answering NOP")
                context.writeAndFlush(wrapOutboundOut(.nop), promise: nil)
            } else if let promise = pending.popFirst() {
                promise.succeed(body)
            } else {
                logger.warning("nsqd sent a response nobody asked for", metadata: ["response": "\(String(buffer: body))"])
            }
        case .error(let body):
            let error = NSQServerError(frameData: String(buffer: body))
            if !error.isMessageScoped, let promise = pending.popFirst() {
                promise.fail(NSQError.server(error))
            } else {
                onEvent(.unsolicitedError(error))
            }
        case .message(let message):
            onEvent(.message(message))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failPending(NSQError.connectionClosed)
        if !closed {
            closed = true
            onEvent(.closed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("NSQ connection error, closing", metadata: ["error": "\(error)"])
        // Callers see one error for a lost connection (e.g. ECONNRESET), whatever the socket said.
        failPending(NSQError.connectionClosed)
        context.close(promise: nil)
    }

    private func failPending(_ error: any Error) {
        while let promise = pending.popFirst() { promise.fail(error) }
    }
}
