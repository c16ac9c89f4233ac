import FaceRecognitionServer
import Logging
import MySQL
import Observability
import OperationalHTTP
import Prometheus
import ServiceLifecycle

/// Wires the process together and runs it until SIGTERM/SIGINT.
///
/// The gRPC and admin servers start listening at once (health: NOT_SERVING), the loader brings up the
/// models and the gallery and flips readiness. On SIGTERM the drain service reports not-ready on every
/// health endpoint, keeps serving for the drain period, then the servers finish in-flight calls and stop.
struct FaceRecognitionApplication {
    let settings: FaceRecognitionSettings
    let registry: PrometheusCollectorRegistry

    func run() async throws {
        let logger = Logger(label: "face-recognition")
        let resolver = try ImageRootResolver(root: settings.imageRoot)
        let pool = MySQLPool(configuration: settings.database, logger: Logger(label: "mysql"))
        let readiness = ServiceReadiness()
        let health = HealthState()
        health.addReadinessCheck("models and gallery") { readiness.isServing ? nil : "loading" }

        let grpcServer = FaceRecognitionServer.make(
            readiness: readiness, resolver: resolver, configuration: settings.server, logger: logger)
        let admin = AdminServer.make(
            host: settings.admin.host, port: settings.admin.port, health: health, registry: registry,
            logger: Logger(label: "admin-http"))
        let loader = RecognitionLoader(
            settings: settings, pool: pool, readiness: readiness, logger: Logger(label: "loader"))

        logger.info(
            "starting",
            metadata: [
                "grpc": "\(settings.server.host):\(settings.server.port)", "admin": "\(settings.admin)",
                "image_root": "\(resolver.root.realPath)", "known_people": "\(settings.knownPeopleDirectory)",
                "models": "\(settings.engine.modelsDirectory)", "workers": "\(settings.engine.workerCount)",
                "detector": "\(settings.engine.detector.rawValue)",
                "cnn_fallback_max_side": "\(settings.engine.fallback.map { String($0.maxLongSide) } ?? "off")", "threshold": "\(settings.matchThreshold)",
                "database": "\(settings.database)",
            ])
        // Shutdown runs in reverse: drain (readiness and gRPC health NOT_SERVING), then gRPC finishes
        // in-flight calls, then the engine stops.
        let services: [any Service] = [loader, admin, GRPCServerService(server: grpcServer, logger: logger)]
        try await ServiceRunner.run(
            services, health: health, options: settings.service, logger: logger,
            onDrain: { readiness.beginDraining() }, afterStop: { await pool.shutdown() })
        logger.info("stopped")
    }
}
