import Hummingbird
import Logging
import Observability
import Prometheus

/// An HTTP server with only the operational routes, for services whose API is not HTTP
/// (the gRPC FaceRecognition, the queue-driven ImageProcessor).
public enum AdminServer {
    public static func make(
        host: String = "0.0.0.0", port: Int, health: HealthState, registry: PrometheusCollectorRegistry, logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        OperationalRoutes.add(to: router, health: health, registry: registry)
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil), logger: logger)
    }
}
