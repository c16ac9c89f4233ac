import GRPCCore
import GRPCNIOTransportHTTP2
import ServiceLifecycle

/// The frontend's gRPC connection to FaceRecognition (for enrollment), run as a service: it keeps the
/// connection up and reconnects quickly after a restart, until graceful shutdown.
public final class FaceRecognitionConnection: Service {
    public let client: GRPCClient<HTTP2ClientTransport.Posix>
    public let target: String

    public init(host: String, port: Int) throws {
        var config = HTTP2ClientTransport.Posix.Config.defaults
        config.backoff = .init(initial: .milliseconds(100), max: .seconds(2), multiplier: 1.6, jitter: 0.2)
        let transport = try HTTP2ClientTransport.Posix(
            target: .dns(host: host, port: port), transportSecurity: .plaintext, config: config)
        client = GRPCClient(transport: transport)
        target = "\(host):\(port)"
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await client.runConnections()
        } onGracefulShutdown: {
            self.client.beginGracefulShutdown()
        }
    }
}
