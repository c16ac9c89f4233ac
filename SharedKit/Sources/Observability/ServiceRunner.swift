import Config
import Logging
import ServiceLifecycle

/// Runs a service's parts the same way in every executable: SIGTERM/SIGINT start a graceful shutdown,
/// which runs in reverse order, so the `DrainService` appended last flips readiness and waits out the
/// drain period first; then the other parts stop, last one first, with `shutdownTimeout` to finish
/// in-flight work before they are cancelled. `afterStop` (closing pools and producers) runs whether
/// the group stopped cleanly or with an error.
public enum ServiceRunner {
    public static func run(
        _ services: [any Service], health: HealthState, options: ServiceOptions.Resolved, logger: Logger,
        onDrain: @escaping @Sendable () -> Void = {}, afterStop: () async -> Void = {}
    ) async throws {
        let drain = DrainService(health: health, drain: options.drain, logger: logger, onDrain: onDrain)
        var configuration = ServiceGroupConfiguration(
            services: (services + [drain]).map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = options.drain + options.shutdownTimeout
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            logger.error("stopped with an error", metadata: ["error": "\(error)"])
            await afterStop()
            throw error
        }
        await afterStop()
    }
}
