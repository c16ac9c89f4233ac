import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle

/// Runs the gRPC server as a ServiceLifecycle service: on graceful shutdown it stops accepting calls and
/// returns once the in-flight ones have finished.
struct GRPCServerService: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let logger: Logger

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            logger.info("gRPC server: finishing in-flight calls")
            server.beginGracefulShutdown()
        }
    }
}
