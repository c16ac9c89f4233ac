import Hummingbird
import ImageFiles
import Logging
import Observability
import OperationalHTTP
import Prometheus

/// Everything the frontend's routes need; built by `main` from the settings, by tests from a fresh database.
public struct FrontendDependencies: Sendable {
    public var store: any FrontendStore
    public var imageRoot: ImageRoot
    /// Folder under the image root holding the gallery photos (`known_people`).
    public var knownPeoplePrefix: String
    public var health: HealthState
    public var registry: PrometheusCollectorRegistry

    public init(
        store: any FrontendStore, imageRoot: ImageRoot, knownPeoplePrefix: String = "known_people", health: HealthState,
        registry: PrometheusCollectorRegistry
    ) {
        self.store = store
        self.imageRoot = imageRoot
        self.knownPeoplePrefix = knownPeoplePrefix
        self.health = health
        self.registry = registry
    }
}

/// Every route of the frontend: pages, JSON API, files, and `/healthz`, `/readyz`, `/metrics`.
/// Registers the "database" readiness check on `dependencies.health`, so call it once per `HealthState`.
public func buildRouter(_ dependencies: FrontendDependencies) throws -> Router<BasicRequestContext> {
    let router = Router()
    router.addMiddleware {
        MetricsMiddleware()
        LogRequestsMiddleware(.debug)
    }
    let store = dependencies.store
    dependencies.health.addReadinessCheck("database") {
        await store.isReachable() ? nil : "unreachable"
    }
    OperationalRoutes.add(to: router, health: dependencies.health, registry: dependencies.registry)
    let locator = ImageFileLocator(root: dependencies.imageRoot)
    PageRoutes(
        store: store, renderer: try PageRenderer(), locator: locator, knownPeoplePrefix: dependencies.knownPeoplePrefix
    ).add(to: router)
    APIRoutes(store: store, locator: locator, knownPeoplePrefix: dependencies.knownPeoplePrefix).add(to: router)
    FileRoutes(locator: locator).add(to: router)
    return router
}

/// The frontend's HTTP application on `host:port`.
public func buildApplication(
    _ dependencies: FrontendDependencies, host: String = "0.0.0.0", port: Int = 8080, logger: Logger = Logger(label: "frontend")
) throws -> some ApplicationProtocol {
    Application(
        router: try buildRouter(dependencies),
        configuration: .init(address: .hostname(host, port: port), serverName: "frontend"),
        logger: logger)
}
