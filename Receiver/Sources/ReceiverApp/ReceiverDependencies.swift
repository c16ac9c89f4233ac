import ImageFiles
import ImageQueue
import Logging
import Observability
import Prometheus

/// Everything the HTTP API needs, passed in (no globals): tests build it with a fresh database.
public struct ReceiverDependencies: Sendable {
    public var store: any ImageStore
    public var publisher: any ImagePublisher
    public var imageRoot: ImageRoot
    public var health: HealthState
    public var registry: PrometheusCollectorRegistry
    public var settings: ReceiverSettings
    /// The coalesced batches' publishes, which run after their answers: shutdown waits for them.
    public var publishes: BackgroundPublishes
    public var logger: Logger

    public init(
        store: any ImageStore, publisher: any ImagePublisher, imageRoot: ImageRoot,
        health: HealthState, registry: PrometheusCollectorRegistry, settings: ReceiverSettings = .init(),
        publishes: BackgroundPublishes = BackgroundPublishes(), logger: Logger = Logger(label: "receiver")
    ) {
        self.store = store
        self.publisher = publisher
        self.imageRoot = imageRoot
        self.health = health
        self.registry = registry
        self.settings = settings
        self.publishes = publishes
        self.logger = logger
    }
}
