import ImageQueue
import Logging
import Metrics

/// Announces committed rows on the queue.
///
/// The rows were stored with `queued_at` set. A failed publish loses nothing: `queued_at` goes back to
/// NULL and the ImageProcessor's sweeper publishes the rows after its grace period (if even that update
/// fails, after its requeue age). With the MySQL queue the committed row is the queue entry already and
/// the publisher does nothing.
struct ImageAnnouncer: Sendable {
    let store: any ImageStore
    let publisher: any ImagePublisher
    let logger: Logger
    private let publishFailures = Counter(label: "receiver_publish_failures_total")

    init(store: any ImageStore, publisher: any ImagePublisher, logger: Logger) {
        self.store = store
        self.publisher = publisher
        self.logger = logger
    }

    /// One publish call (one NSQ `MPUB` for several ids); on failure (logged, counted) the rows are handed
    /// to the sweeper.
    func announce(_ ids: [Int64]) async {
        guard !ids.isEmpty else { return }
        do {
            try await publisher.publish(ids)
        } catch {
            publishFailures.increment()
            var logger = logger
            if ids.count == 1 { logger[metadataKey: "image_id"] = "\(ids[0])" }
            logger.warning(
                "publishing failed; the rows stay pending and the sweeper will publish them",
                metadata: ["ids": "\(ids.count)", "first_id": "\(ids[0])", "error": "\(error)"])
            do {
                try await store.clearQueued(ids)
            } catch {
                logger.warning(
                    "clearing queued_at failed; the sweeper will re-announce the rows after its requeue age",
                    metadata: ["ids": "\(ids.count)", "first_id": "\(ids[0])", "error": "\(error)"])
            }
        }
    }
}
