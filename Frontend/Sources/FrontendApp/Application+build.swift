import Hummingbird
import ImageFiles
import Logging
import Observability
import OperationalHTTP
import PeopleLibrary
import Prometheus

/// Everything the frontend's routes need; built by `main` from the settings, by tests from a fresh database.
public struct FrontendDependencies: Sendable {
    public var store: any FrontendStore
    public var imageRoot: ImageRoot
    /// Folder under the image root holding the gallery photos (`known_people`).
    public var knownPeoplePrefix: String
    public var health: HealthState
    public var registry: PrometheusCollectorRegistry
    /// People management (naming faces and groups, merge, rename, delete); nil answers writes with 503.
    public var people: (any PeopleLibrary)?
    /// Enrollment by upload (FaceRecognition's `Enroll`); nil answers uploads with 503.
    public var enroller: (any PersonEnroller)?
    /// API token, CSRF and login cookies.
    public var access: WriteAccess
    /// Largest accepted upload request.
    public var maxUploadBytes: Int

    public init(
        store: any FrontendStore, imageRoot: ImageRoot, knownPeoplePrefix: String = "known_people", health: HealthState,
        registry: PrometheusCollectorRegistry, people: (any PeopleLibrary)? = nil, enroller: (any PersonEnroller)? = nil,
        access: WriteAccess = .open(), maxUploadBytes: Int = 16 << 20
    ) {
        self.store = store
        self.imageRoot = imageRoot
        self.knownPeoplePrefix = knownPeoplePrefix
        self.health = health
        self.registry = registry
        self.people = people
        self.enroller = enroller
        self.access = access
        self.maxUploadBytes = maxUploadBytes
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
    FrontendOpenAPI.add(to: router)
    let locator = ImageFileLocator(root: dependencies.imageRoot)
    let renderer = try PageRenderer()
    PageRoutes(
        store: store, renderer: renderer, locator: locator, knownPeoplePrefix: dependencies.knownPeoplePrefix,
        people: dependencies.people, access: dependencies.access, maxUploadBytes: dependencies.maxUploadBytes
    ).add(to: router)
    APIRoutes(store: store, locator: locator, knownPeoplePrefix: dependencies.knownPeoplePrefix).add(to: router)
    let writes = PeopleWrites(dependencies)
    PeopleAPIRoutes(writes: writes).add(to: router)
    PeopleFormRoutes(writes: writes, renderer: renderer).add(to: router)
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
