import FaceRecognitionAPI
import GRPCCore

/// The sample's `facerecog.HealthCheck`: `ready` once models and gallery are loaded.
public struct HealthCheckServiceV1: Facerecog_HealthCheck.SimpleServiceProtocol {
    private let readiness: ServiceReadiness

    public init(readiness: ServiceReadiness) {
        self.readiness = readiness
    }

    public func healthCheck(request: Facerecog_Empty, context: ServerContext) async throws -> Facerecog_HealthCheckResponse {
        var response = Facerecog_HealthCheckResponse()
        response.ready = readiness.isServing
        return response
    }
}
