import FaceRecognitionAPI
import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization

/// What the in-test FaceRecognition server answers for a path.
enum FaceScriptAnswer: Sendable {
    /// (person id or nil for unknown, distance) per face.
    case faces([(person: Int64?, distance: Double)])
    case error(RPCError.Code, String)
}

/// Scripted answers and a record of every Identify call.
final class FaceScript: Sendable {
    private let answers: @Sendable (String) -> FaceScriptAnswer
    private let calls = Mutex<[String: Int]>([:])
    let delay: Duration

    init(delay: Duration = .zero, _ answers: @escaping @Sendable (String) -> FaceScriptAnswer) {
        self.delay = delay
        self.answers = answers
    }

    func calls(for path: String) -> Int { calls.withLock { $0[path] ?? 0 } }
    var totalCalls: Int { calls.withLock { $0.values.reduce(0, +) } }

    func answer(_ path: String) async throws -> Facerecog_V2_IdentifyResponse {
        calls.withLock { $0[path, default: 0] += 1 }
        if delay > .zero { try await Task.sleep(for: delay) }
        switch answers(path) {
        case .error(let code, let message):
            throw RPCError(code: code, message: message)
        case .faces(let faces):
            var response = Facerecog_V2_IdentifyResponse()
            response.imageWidth = 640
            response.imageHeight = 480
            response.matchThreshold = 0.6
            response.faces = faces.enumerated().map { index, spec in
                var face = Facerecog_V2_Face()
                face.index = UInt32(index)
                face.box.left = Int32(10 * index)
                face.box.top = 20
                face.box.right = Int32(10 * index + 50)
                face.box.bottom = 90
                face.known = spec.person != nil
                face.nearest.personID = spec.person ?? 99
                face.nearest.personName = "p\(spec.person ?? 99)"
                face.nearest.distance = spec.distance
                // A recognisable descriptor per face; face 2 sends a malformed one (too short).
                face.descriptor = index == 2 ? [1, 2, 3] : (0..<128).map { Float(index) + Float($0) / 128 }
                return face
            }
            return response
        }
    }
}

/// A real FaceRecognition v2 gRPC service over loopback, with scripted answers (the dlib service is
/// tested in its own package; here the processor's side of the protocol is what matters).
struct ScriptedFaceRecognition: Facerecog_V2_FaceRecognition.SimpleServiceProtocol {
    let script: FaceScript

    func identify(request: Facerecog_V2_IdentifyRequest, context: ServerContext) async throws -> Facerecog_V2_IdentifyResponse {
        try await script.answer(request.image.path)
    }
    func enroll(request: Facerecog_V2_EnrollRequest, context: ServerContext) async throws -> Facerecog_V2_EnrollResponse {
        throw RPCError(code: .unimplemented, message: "not in the test server")
    }
    func removePerson(request: Facerecog_V2_RemovePersonRequest, context: ServerContext) async throws -> Facerecog_V2_RemovePersonResponse {
        throw RPCError(code: .unimplemented, message: "not in the test server")
    }
    func listPeople(request: Facerecog_V2_ListPeopleRequest, context: ServerContext) async throws -> Facerecog_V2_ListPeopleResponse {
        Facerecog_V2_ListPeopleResponse()
    }
}

struct ServingHealth: Grpc_Health_V1_Health.SimpleServiceProtocol {
    func check(request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws -> Grpc_Health_V1_HealthCheckResponse {
        var response = Grpc_Health_V1_HealthCheckResponse()
        response.status = .serving
        return response
    }
    func watch(
        request: Grpc_Health_V1_HealthCheckRequest, response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>, context: ServerContext
    ) async throws {
        throw RPCError(code: .unimplemented, message: "watch is not served")
    }
}

/// The sample's v1 contract: answers with the known image name.
struct ScriptedV1: Facerecog_Identify.SimpleServiceProtocol {
    let imageName: @Sendable (String) -> String
    func identify(request: Facerecog_IdentifyRequest, context: ServerContext) async throws -> Facerecog_IdentifyResponse {
        var response = Facerecog_IdentifyResponse()
        response.imageName = imageName(request.imagePath)
        return response
    }
}

struct ReadyV1: Facerecog_HealthCheck.SimpleServiceProtocol {
    func healthCheck(request: Facerecog_Empty, context: ServerContext) async throws -> Facerecog_HealthCheckResponse {
        var response = Facerecog_HealthCheckResponse()
        response.ready = true
        return response
    }
}

/// A running gRPC server on 127.0.0.1.
final class TestGRPCServer: Sendable {
    let port: Int
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let task: Task<Void, any Error>

    private init(port: Int, server: GRPCServer<HTTP2ServerTransport.Posix>, task: Task<Void, any Error>) {
        self.port = port
        self.server = server
        self.task = task
    }

    static func start(services: [any RegistrableRPCService], port: Int = 0) async throws -> TestGRPCServer {
        let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext)
        let server = GRPCServer(transport: transport, services: services)
        let task = Task { try await server.serve() }
        guard let address = try await transport.listeningAddress.ipv4 else {
            throw RPCError(code: .internalError, message: "server has no IPv4 address")
        }
        return TestGRPCServer(port: address.port, server: server, task: task)
    }

    static func faces(_ script: FaceScript, port: Int = 0) async throws -> TestGRPCServer {
        try await start(services: [ScriptedFaceRecognition(script: script), ServingHealth()], port: port)
    }

    func stop() async {
        server.beginGracefulShutdown()
        _ = try? await task.value
    }
}
