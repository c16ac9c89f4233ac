import ImageQueue
import Logging
import ServiceLifecycle

/// Runs the queue consumer with the processor as its handler. On graceful shutdown it stops taking new
/// work (`beginShutdown`) and returns once in-flight images are finished or handed back; the
/// ServiceGroup's shutdown timeout bounds how long that may take.
public struct ProcessorService: Service {
    let consumer: any ImageQueueConsumer
    let processor: ImageProcessor
    let logger: Logger

    public init(consumer: any ImageQueueConsumer, processor: ImageProcessor, logger: Logger = Logger(label: "image-processor")) {
        self.consumer = consumer
        self.processor = processor
        self.logger = logger
    }

    public func run() async throws {
        let processor = self.processor
        let consumer = self.consumer
        try await withGracefulShutdownHandler {
            try await consumer.run { delivery in await processor.handle(delivery) }
        } onGracefulShutdown: {
            logger.info("shutdown: taking no new images, finishing in-flight ones")
            consumer.beginShutdown()
        }
    }
}
