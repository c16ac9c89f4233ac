import FaceRecognitionAPI
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging

/// Settings of the gRPC server.
public struct FaceRecognitionServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest image accepted (bytes in a v2 request, or file size for enrollment by path).
    public var maxImageBytes: Int
    /// Analyses in progress or queued before calls fail with RESOURCE_EXHAUSTED.
    public var maxInFlight: Int

    public init(host: String = "0.0.0.0", port: Int = 50051, maxImageBytes: Int = 32 << 20, maxInFlight: Int = 64) {
        self.host = host
        self.port = port
        self.maxImageBytes = maxImageBytes
        self.maxInFlight = maxInFlight
    }

    /// Parses the sample's `--grpc-address` form: `host:port`, `:port` or `[v6]:port`.
    public static func parseAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

/// Builds the gRPC server with every service: v1 (`facerecog.Identify`, `facerecog.HealthCheck`), v2
/// (`facerecog.v2.FaceRecognition`) and `grpc.health.v1.Health`.
public enum FaceRecognitionServer {
    public static func services(
        readiness: ServiceReadiness, resolver: any ImagePathResolving,
        configuration: FaceRecognitionServerConfiguration, logger: Logger
    ) -> [any RegistrableRPCService] {
        let recognizer = Recognizer(
            readiness: readiness, resolver: resolver, admission: AdmissionLimit(limit: configuration.maxInFlight),
            maxImageBytes: configuration.maxImageBytes)
        return [
            IdentifyServiceV1(recognizer: recognizer, logger: logger),
            HealthCheckServiceV1(readiness: readiness),
            FaceRecognitionServiceV2(recognizer: recognizer, readiness: readiness, logger: logger),
            HealthService(readiness: readiness),
        ]
    }

    public static func make(
        readiness: ServiceReadiness, resolver: any ImagePathResolving,
        configuration: FaceRecognitionServerConfiguration, logger: Logger
    ) -> GRPCServer<HTTP2ServerTransport.Posix> {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: configuration.host, port: configuration.port),
            transportSecurity: .plaintext,
            config: .defaults { config in
                // Twice the image limit: an oversized image still reaches the service, which answers
                // RESOURCE_EXHAUSTED with the limit in the message; only absurd messages die in the transport.
                config.rpc.maxRequestPayloadSize = configuration.maxImageBytes * 2 + (1 << 20)
            })
        return GRPCServer(
            transport: transport,
            services: services(readiness: readiness, resolver: resolver, configuration: configuration, logger: logger))
    }
}
