import FaceRecognitionAPI
import GRPCCore

/// `grpc.health.v1.Health`, as Kubernetes gRPC probes and grpc-health-probe call it. The whole server
/// ("") and each service name report SERVING only once models and gallery are loaded.
public struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    /// Service names a client may ask about ("" is the whole server).
    public static let serviceNames: Set<String> = [
        "", "facerecog.Identify", "facerecog.HealthCheck", "facerecog.v2.FaceRecognition",
    ]

    private let readiness: ServiceReadiness

    public init(readiness: ServiceReadiness) {
        self.readiness = readiness
    }

    public func check(
        request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard Self.serviceNames.contains(request.service) else {
            throw RPCError(code: .notFound, message: "unknown service \"\(request.service)\"")
        }
        return Self.response(serving: readiness.isServing)
    }

    public func watch(
        request: Grpc_Health_V1_HealthCheckRequest, response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        guard Self.serviceNames.contains(request.service) else {
            // The protocol asks Watch to report SERVICE_UNKNOWN rather than fail.
            var unknown = Grpc_Health_V1_HealthCheckResponse()
            unknown.status = .serviceUnknown
            try await response.write(unknown)
            return
        }
        for await serving in readiness.servingChanges() {
            try await response.write(Self.response(serving: serving))
        }
    }

    static func response(serving: Bool) -> Grpc_Health_V1_HealthCheckResponse {
        var message = Grpc_Health_V1_HealthCheckResponse()
        message.status = serving ? .serving : .notServing
        return message
    }
}
