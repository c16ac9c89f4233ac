import Logging
import ServiceLifecycle

/// Put last in a `ServiceGroup`: graceful shutdown runs in reverse order, so on SIGTERM this service
/// stops first. It marks the process not ready, keeps everything else running for the drain period
/// (load balancers and Kubernetes endpoints notice and stop sending), then returns, after which the
/// servers before it stop accepting and finish their in-flight work.
public struct DrainService: Service {
    let health: HealthState
    let drain: Duration
    let logger: Logger
    let onDrain: @Sendable () -> Void

    /// `onDrain` runs when the drain starts, for readiness signals other than `/readyz`
    /// (e.g. gRPC health turning NOT_SERVING).
    public init(health: HealthState, drain: Duration, logger: Logger, onDrain: @escaping @Sendable () -> Void = {}) {
        self.health = health
        self.drain = drain
        self.logger = logger
        self.onDrain = onDrain
    }

    public func run() async throws {
        health.markStarted()
        try? await gracefulShutdown()
        health.beginDraining()
        onDrain()
        logger.info("shutdown requested: not ready any more, draining", metadata: ["drain": "\(drain)"])
        // Not cancellable by the graceful shutdown itself: the point is to keep serving meanwhile.
        try? await Task.sleep(for: drain)
        logger.info("drain period over; stopping")
    }
}
