import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Consumes one topic/channel from every nsqd that has it.
///
/// nsqd come from `nsqdTCPAddresses` and/or from polling nsqlookupd. Each connection does magic,
/// IDENTIFY (feature negotiation), SUB, then gets a share of `maxInFlight` as its RDY count. Each message
/// runs the handler in its own task; its outcome becomes FIN or REQ. `beginShutdown()` (or cancelling
/// `run`) sends RDY 0 and CLS everywhere, waits for CLOSE_WAIT and for in-flight handlers, then closes.
public final class NSQConsumer: Sendable {
    public typealias Handler = @Sendable (NSQDelivery) async -> NSQMessageOutcome

    public let configuration: NSQConsumerConfiguration
    let group: any EventLoopGroup
    let logger: Logger
    let metrics: NSQMetrics
    private let control = Mutex<Control>(Control())

    private struct Control {
        var shutdownRequested = false
        var running = false
        var events: AsyncStream<NSQConsumerEvent>.Continuation?
    }

    public init(
        configuration: NSQConsumerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "nsq.consumer")
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.group = eventLoopGroup
        var logger = logger
        logger[metadataKey: "topic"] = "\(configuration.topic)"
        logger[metadataKey: "channel"] = "\(configuration.channel)"
        self.logger = logger
        self.metrics = NSQMetrics(topic: configuration.topic, channel: configuration.channel)
    }

    /// Runs until `beginShutdown()` or cancellation, then drains and returns. Call once.
    public func run(handler: @escaping Handler) async throws {
        let direct = try configuration.nsqdTCPAddresses.map { try NSQAddress(parsing: $0, defaultPort: 4150) }
        let lookupd = try configuration.lookupdHTTPAddresses.map { try NSQAddress(parsing: $0, defaultPort: 4161) }
        let (events, continuation) = AsyncStream<NSQConsumerEvent>.makeStream()
        let alreadyStopping = try control.withLock { control -> Bool in
            guard !control.running else { throw NSQError.invalidArgument("NSQConsumer.run is already running") }
            control.running = true
            control.events = continuation
            return control.shutdownRequested
        }
        if alreadyStopping { continuation.yield(.shutdown) }
        // The loop runs in its own task so that cancelling `run` starts a graceful stop instead of
        // ending the event stream under it.
        let loop = Task {
            let run = NSQConsumerRun(consumer: self, direct: direct, lookupd: lookupd, events: continuation, handler: handler)
            run.start()
            for await event in events {
                run.handle(event)
                if run.isFinished { break }
            }
            run.finish()
        }
        await withTaskCancellationHandler {
            await loop.value
        } onCancel: {
            self.beginShutdown()
        }
        control.withLock { control in
            control.events = nil
            control.running = false
        }
        continuation.finish()
    }

    public func beginShutdown() {
        let continuation = control.withLock { control in
            control.shutdownRequested = true
            return control.events
        }
        continuation?.yield(.shutdown)
    }
}

/// Everything that drives the consumer's state, funnelled into one stream so the state has one owner.
enum NSQConsumerEvent: Sendable {
    case shutdown
    case connected(id: Int, address: NSQAddress, discovered: Bool, connection: NSQConnection)
    case connectFailed(id: Int, address: NSQAddress, discovered: Bool, error: any Error)
    case message(connectionID: Int, message: NSQMessage)
    case closed(connectionID: Int)
    case closeWait(connectionID: Int)
    case handlerFinished(connectionID: Int, messageID: NSQMessageID, outcome: NSQMessageOutcome)
    /// `answered`: at least one lookupd replied (an empty list from a reachable lookupd means "not listed").
    case lookupResult([NSQAddress], answered: Bool)
    case reconnectDue(NSQAddress, discovered: Bool)
    case backoffEnded
    case redistribute
}
