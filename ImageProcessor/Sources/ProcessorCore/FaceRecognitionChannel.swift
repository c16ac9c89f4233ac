import GRPCCore
import GRPCNIOTransportHTTP2
import ServiceLifecycle

/// The gRPC connection to FaceRecognition, run as a service: `run` keeps the connections up (with
/// short reconnect backoff, so a restarted server is found again within a couple of seconds) until
/// graceful shutdown. Put it before the processor in a ServiceGroup so it stops after in-flight work.
public final class FaceRecognitionChannel: Service {
    public let client: GRPCClient<HTTP2ClientTransport.Posix>
    public let target: String

    public init(host: String, port: Int) throws {
        var config = HTTP2ClientTransport.Posix.Config.defaults
        config.backoff = .init(initial: .milliseconds(100), max: .seconds(2), multiplier: 1.6, jitter: 0.2)
        let transport = try HTTP2ClientTransport.Posix(
            target: .dns(host: host, port: port), transportSecurity: .plaintext, config: config)
        self.client = GRPCClient(transport: transport)
        self.target = "\(host):\(port)"
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await client.runConnections()
        } onGracefulShutdown: {
            self.client.beginGracefulShutdown()
        }
    }

    /// Stops the connections (for callers that run `client.runConnections()` outside a ServiceGroup).
    public func close() { client.beginGracefulShutdown() }
}

/// Maps gRPC failures onto what the processor does about them.
enum GRPCFailure {
    static func classify(_ error: any Error, service: String) -> RecognitionError {
        guard let rpc = error as? RPCError else {
            return RecognitionError(.unavailable, "\(service) call failed: \(error)")
        }
        let text = "\(service): \(rpc.code) \(rpc.message)"
        switch rpc.code {
        case .invalidArgument, .notFound, .failedPrecondition, .outOfRange, .resourceExhausted, .dataLoss, .internalError,
            .unknown:
            return RecognitionError(.rejected, text)
        default:
            // unavailable, deadlineExceeded, cancelled, aborted, unimplemented, permissionDenied, unauthenticated:
            // the service or the link, not the image.
            return RecognitionError(.unavailable, text)
        }
    }

    static func options(deadline: Duration) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = deadline
        // Fail fast while the server is down: the breaker and the queue do the waiting.
        options.waitForReady = false
        return options
    }
}
