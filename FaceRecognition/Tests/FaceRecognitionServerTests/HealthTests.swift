import FaceRecognitionAPI
import GRPCCore
import Testing

@Suite("health: grpc.health.v1 and the sample's HealthCheck", .serialized)
struct HealthTests {
    @Test func notServingUntilModelsAndGalleryAreLoaded() async throws {
        let server = try await TestServer.start(ready: false)
        defer { Task { await server.stop() } }

        #expect(try await server.healthStatus() == .notServing)
        #expect(try await server.healthStatus("facerecog.Identify") == .notServing)
        #expect(try await server.v1Health.healthCheck(Facerecog_Empty()).ready == false)
        #expect(await statusCode { try await server.identifyV1("unknown_people/obama2.jpg") } == .unavailable)
        #expect(await statusCode { try await server.healthStatus("no.such.Service") } == .notFound)

        // Watch sees the change as it happens.
        var request = Grpc_Health_V1_HealthCheckRequest()
        request.service = ""
        let watched = Task {
            try await server.health.watch(request) { response in
                var statuses: [Grpc_Health_V1_HealthCheckResponse.ServingStatus] = []
                for try await message in response.messages {
                    statuses.append(message.status)
                    if message.status == .serving { break }
                }
                return statuses
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        try await server.load()

        #expect(try await watched.value == [.notServing, .serving])
        #expect(try await server.healthStatus() == .serving)
        #expect(try await server.healthStatus("facerecog.v2.FaceRecognition") == .serving)
        #expect(try await server.v1Health.healthCheck(Facerecog_Empty()).ready)
        #expect(try await server.identifyV1("unknown_people/obama2.jpg") == "obama.jpg")

        server.readiness.beginDraining()
        #expect(try await server.healthStatus() == .notServing)
        #expect(try await server.v1Health.healthCheck(Facerecog_Empty()).ready == false)
    }
}
