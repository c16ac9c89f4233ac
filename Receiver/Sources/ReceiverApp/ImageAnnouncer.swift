import ImageQueue
import Logging
import Metrics

/// Announces committed rows on the queue and, for NSQ, records that they were announced.
///
/// A failed publish loses nothing: the rows stay pending with `queued_at` NULL and the ImageProcessor's
/// sweeper publishes them later. With the MySQL queue the committed row is the queue entry already.
struct ImageAnnouncer: Sendable {
    let store: any ImageStore
    let publisher: any ImagePublisher
    let queueIsTable: Bool
    let logger: Logger
    private let recorder: QueuedAtRecorder
    private let publishFailures = Counter(label: "receiver_publish_failures_total")

    init(store: any ImageStore, publisher: any ImagePublisher, queueIsTable: Bool, logger: Logger) {
        self.store = store
        self.publisher = publisher
        self.queueIsTable = queueIsTable
        self.logger = logger
        self.recorder = QueuedAtRecorder(store: store, logger: logger)
    }

    /// One publish call (one NSQ `MPUB` for several ids), then one `queued_at` update.
    func announce(_ ids: [Int64]) async {
        if await publish(ids) { await recordQueued(ids) }
    }

    /// One publish call; false (logged, counted) when the queue refused: the rows stay for the sweeper.
    func publish(_ ids: [Int64]) async -> Bool {
        guard !ids.isEmpty else { return false }
        do {
            try await publisher.publish(ids)
            return true
        } catch {
            publishFailures.increment()
            var logger = logger
            if ids.count == 1 { logger[metadataKey: "image_id"] = "\(ids[0])" }
            logger.warning(
                "publishing failed; the rows stay pending and the sweeper will publish them",
                metadata: ["ids": "\(ids.count)", "error": "\(error)"])
            return false
        }
    }

    /// After a successful publish (NSQ): `queued_at` so the sweeper leaves the rows alone. Concurrent
    /// calls share one `UPDATE` (`QueuedAtRecorder`).
    func recordQueued(_ ids: [Int64]) async {
        guard !queueIsTable, !ids.isEmpty else { return }
        await recorder.record(ids)
    }
}
