import FaceRecognitionServer
import Logging
import Observability
import ServiceLifecycle

/// Like SharedKit's `DrainService`, and also turns the gRPC health services (grpc.health.v1 and the
/// sample's HealthCheck) to NOT_SERVING the moment SIGTERM arrives.
struct DrainingService: Service {
    let readiness: ServiceReadiness
    let health: HealthState
    let drain: Duration
    let logger: Logger

    func run() async throws {
        health.markStarted()
        try? await gracefulShutdown()
        health.beginDraining()
        readiness.beginDraining()
        logger.info("shutdown requested: reporting NOT_SERVING, draining", metadata: ["drain": "\(drain)"])
        try? await Task.sleep(for: drain)
        logger.info("drain period over; stopping")
    }
}
