import Logging
import NSQ

/// Announces image ids on an NSQ topic: one `PUB` for a single id, `MPUB` for several.
public struct NSQImagePublisher: ImagePublisher {
    public let producer: NSQProducer
    public let topic: String
    /// Ids per MPUB (nsqd's default body limit of 5 MiB allows far more; this keeps one command small).
    public var maxBatchSize: Int

    public init(producer: NSQProducer, topic: String = "images", maxBatchSize: Int = 1000) throws {
        try NSQNames.validateTopic(topic)
        self.producer = producer
        self.topic = topic
        self.maxBatchSize = max(1, maxBatchSize)
    }

    public func publish(_ ids: [Int64]) async throws {
        if ids.count == 1 {
            try await producer.publish(topic: topic, body: ImageIDMessage.encode(ids[0]))
            return
        }
        var start = 0
        while start < ids.count {
            let end = min(start + maxBatchSize, ids.count)
            try await producer.multiPublish(topic: topic, bodies: ids[start..<end].map { ImageIDMessage.encode($0) })
            start = end
        }
    }
}

/// Consumes image ids from an NSQ channel: `.finished` becomes `FIN`, `.requeue(delay)` becomes
/// `REQ <id> <delay ms>` (with the consumer's backoff), `touch` sends `TOUCH`. NSQ deliveries carry no
/// claim; the processor claims the row itself.
public final class NSQImageConsumer: ImageQueueConsumer {
    public let consumer: NSQConsumer
    private let logger: Logger

    public init(consumer: NSQConsumer, logger: Logger = Logger(label: "image-queue.nsq")) {
        self.consumer = consumer
        self.logger = logger
    }

    /// Uses NIO's shared event loop group.
    public convenience init(configuration: NSQConsumerConfiguration, logger: Logger = Logger(label: "image-queue.nsq")) throws {
        self.init(consumer: try NSQConsumer(configuration: configuration, logger: logger), logger: logger)
    }

    public func run(handler: @escaping @Sendable (ImageDelivery) async -> DeliveryOutcome) async throws {
        let logger = self.logger
        try await consumer.run { delivery in
            guard let imageID = ImageIDMessage.decode(delivery.message.bodyBytes) else {
                // Not an image id: nothing can process it, and finishing loses nothing (rows stay pending and
                // the sweeper re-announces them), while requeueing would loop forever.
                logger.error("NSQ message body is not an 8-byte image id, dropping it",
                    metadata: ["nsq_message_id": "\(delivery.message.id)", "body_bytes": "\(delivery.message.bodyBytes.count)"])
                return .finish
            }
            let outcome = await handler(ImageDelivery(
                imageID: imageID,
                deliveryAttempt: Int(delivery.message.attempts),
                claim: nil,
                touch: delivery.touch
            ))
            switch outcome {
            case .finished: return .finish
            case .requeue(let delay): return .requeue(delay: delay)
            }
        }
    }

    public func beginShutdown() {
        consumer.beginShutdown()
    }
}
