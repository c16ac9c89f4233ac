import FaceEngine
import FaceGallery
import FaceRecognitionAPI
import FaceRecognitionServer
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import MySQL
import SharedTestSupport
import Testing

/// A real face-recognition gRPC server on a loopback port, over a fresh MariaDB database and the real
/// engine, with the sample's layout under a temporary image root:
///
///     root/known_people/obama.jpg, biden.jpg   (gallery: Barack Obama, Joe Biden)
///     root/unknown_people/<probe photos>
///     root/bad/<broken files from scripts/fetch-test-data.sh>
///     root/escape.jpg -> <outside the root>  (symlink)
final class TestServer: Sendable {
    static let photos = FaceEngineConfiguration.repositoryRoot + "/.cache/photos"
    static let probes = ["obama2.jpg", "obama3.jpg", "32bit.png", "t1.jpg", "mask_white.jpg", "Tom_Hanks_54745.png", "biden.jpg"]
    static let badFiles = ["truncated.jpg", "text-as.jpg", "zero-byte.jpg", "pixel-bomb.png", "pixel-bomb.jpg", "corrupt.png"]

    private static let sharedEngine = Task { () throws -> FaceEngine in
        try await FaceEngine(configuration: FaceEngineConfiguration(workerCount: 2), logger: Logger(label: "test-engine"))
    }

    let root: String
    let outside: String
    let pool: MySQLPool
    let readiness = ServiceReadiness()
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let client: GRPCClient<HTTP2ClientTransport.Posix>
    let port: Int
    private let tasks: Mutex<[Task<Void, any Error>]>

    /// Starts the server; `ready: false` leaves models and gallery unloaded (call `load()`).
    static func start(ready: Bool = true) async throws -> TestServer {
        let server = try await TestServer()
        if ready { _ = try await server.load() }
        return server
    }

    private init() async throws {
        let base = NSTemporaryDirectory() + "fr-server-\(UUID().uuidString)"
        root = base + "/images"
        outside = base + "/outside"
        let files = FileManager.default
        for folder in ["known_people", "unknown_people", "bad"] {
            try files.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try files.createDirectory(atPath: outside, withIntermediateDirectories: true)
        for name in ["obama.jpg", "biden.jpg"] {
            try files.copyItem(atPath: Self.photos + "/" + name, toPath: root + "/known_people/" + name)
        }
        for name in Self.probes {
            try files.copyItem(atPath: Self.photos + "/" + name, toPath: root + "/unknown_people/" + name)
        }
        for name in Self.badFiles {
            try files.copyItem(atPath: Self.photos + "/bad/" + name, toPath: root + "/bad/" + name)
        }
        try files.copyItem(atPath: Self.photos + "/obama2.jpg", toPath: outside + "/secret.jpg")
        try files.createSymbolicLink(atPath: root + "/escape.jpg", withDestinationPath: outside + "/secret.jpg")
        try files.createSymbolicLink(atPath: root + "/escape_dir", withDestinationPath: outside)

        pool = try await TestDatabase.shared.makeFreshDatabase(label: "frserver")
        for (person, file) in [("Barack Obama", "obama.jpg"), ("Joe Biden", "biden.jpg")] {
            let personID = try await pool.execute("INSERT INTO person (name) VALUES (?)", [.string(person)]).lastInsertID
            _ = try await pool.execute(
                "INSERT INTO person_images (image_name, person_id) VALUES (?, ?)", [.string(file), .uint(personID)])
        }

        let logger = Logger(label: "test-server")
        server = FaceRecognitionServer.make(
            readiness: readiness, resolver: try ImageRootResolver(root: root),
            configuration: FaceRecognitionServerConfiguration(host: "127.0.0.1", port: 0, maxImageBytes: 8 << 20, maxInFlight: 64),
            logger: logger)
        let server = self.server
        let serving = Task { try await server.serve() }
        guard let address = try await server.listeningAddress?.ipv4 else { throw TestServerError.noAddress }
        port = address.port
        client = GRPCClient(
            transport: try .http2NIOPosix(
                target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext,
                config: .defaults { $0.connection.maxIdleTime = nil }))
        let client = self.client
        let connecting = Task { try await client.runConnections() }
        tasks = Mutex([serving, connecting])
    }

    /// Loads models and gallery the way the service does and flips readiness; returns the store.
    @discardableResult
    func load() async throws -> GalleryStore {
        let store = GalleryStore(
            pool: pool, analyzer: try await Self.sharedEngine.value, index: GalleryIndex(),
            configuration: GalleryStoreConfiguration(knownPeopleDirectory: root + "/known_people"))
        try await store.sync()
        readiness.becomeReady(RecognitionComponents(analyzer: try await Self.sharedEngine.value, gallery: store.index, manager: store))
        return store
    }

    func stop() async {
        client.beginGracefulShutdown()
        server.beginGracefulShutdown()
        for task in tasks.withLock({ $0 }) { _ = try? await task.value }
        await pool.shutdown()
        try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
    }

    var v1: Facerecog_Identify.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }
    var v1Health: Facerecog_HealthCheck.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }
    var v2: Facerecog_V2_FaceRecognition.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }
    var health: Grpc_Health_V1_Health.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }

    func identifyV1(_ path: String) async throws -> String {
        var request = Facerecog_IdentifyRequest()
        request.imagePath = path
        return try await v1.identify(request).imageName
    }

    func identifyV2(path: String, landmarks: Bool = false) async throws -> Facerecog_V2_IdentifyResponse {
        var request = Facerecog_V2_IdentifyRequest()
        request.image.path = path
        request.includeLandmarks = landmarks
        return try await v2.identify(request)
    }

    func identifyV2(data: [UInt8]) async throws -> Facerecog_V2_IdentifyResponse {
        var request = Facerecog_V2_IdentifyRequest()
        request.image.data = Data(data)
        return try await v2.identify(request)
    }

    func healthStatus(_ service: String = "") async throws -> Grpc_Health_V1_HealthCheckResponse.ServingStatus {
        var request = Grpc_Health_V1_HealthCheckRequest()
        request.service = service
        return try await health.check(request).status
    }
}

enum TestServerError: Error {
    case noAddress
}

/// The status code of a failed call, or nil if it succeeded.
func statusCode(_ body: () async throws -> some Any) async -> RPCError.Code? {
    do {
        _ = try await body()
        return nil
    } catch let error as RPCError {
        return error.code
    } catch {
        Issue.record("expected an RPCError, got \(error)")
        return nil
    }
}

import Synchronization
