import ImageFiles
import ImageQueue
import Logging
import Observability
import Prometheus

/// Everything the HTTP API needs, passed in (no globals): tests build it with a fresh database.
public struct ReceiverDependencies: Sendable {
    public var store: any ImageStore
    public var publisher: any ImagePublisher
    /// True for the MySQL queue (the committed row is the queue entry, `queued_at` set on insert).
    public var queueIsTable: Bool
    public var imageRoot: ImageRoot
    public var health: HealthState
    public var registry: PrometheusCollectorRegistry
    public var settings: ReceiverSettings
    public var logger: Logger

    public init(
        store: any ImageStore, publisher: any ImagePublisher, queueIsTable: Bool, imageRoot: ImageRoot,
        health: HealthState, registry: PrometheusCollectorRegistry, settings: ReceiverSettings = .init(),
        logger: Logger = Logger(label: "receiver")
    ) {
        self.store = store
        self.publisher = publisher
        self.queueIsTable = queueIsTable
        self.imageRoot = imageRoot
        self.health = health
        self.registry = registry
        self.settings = settings
        self.logger = logger
    }
}
