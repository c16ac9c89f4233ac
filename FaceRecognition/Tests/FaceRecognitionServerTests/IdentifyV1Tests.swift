import FaceRecognitionAPI
import GRPCCore
import Testing

/// The sample's contract: `Identify(image_path)` answers the matched known photo's file name or
/// "not_found"; `HealthCheck` answers `ready`.
@Suite("v1 facerecog.Identify over gRPC", .serialized)
struct IdentifyV1Tests {
    @Test func answersLikeTheSample() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }

        for probe in ["obama2.jpg", "obama3.jpg", "32bit.png"] {
            #expect(try await server.identifyV1("unknown_people/" + probe) == "obama.jpg", "\(probe)")
        }
        #expect(try await server.identifyV1("unknown_people/biden.jpg") == "biden.jpg")
        // Unknown people and photos without a face are "not_found", never an error.
        #expect(try await server.identifyV1("unknown_people/t1.jpg") == "not_found")
        #expect(try await server.identifyV1("unknown_people/Tom_Hanks_54745.png") == "not_found")
        #expect(try await server.identifyV1("unknown_people/mask_white.jpg") == "not_found")
        // An absolute path inside the root is accepted, as the sample's clients may send one.
        #expect(try await server.identifyV1(server.root + "/unknown_people/obama2.jpg") == "obama.jpg")

        var empty = Facerecog_Empty()
        empty = Facerecog_Empty()
        #expect(try await server.v1Health.healthCheck(empty).ready)
    }

    @Test func badInputGetsTheRightStatus() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }

        let expected: [(String, RPCError.Code)] = [
            ("bad/truncated.jpg", .invalidArgument),
            ("bad/text-as.jpg", .invalidArgument),
            ("bad/zero-byte.jpg", .invalidArgument),
            ("bad/corrupt.png", .invalidArgument),
            ("bad/pixel-bomb.png", .resourceExhausted),
            ("bad/pixel-bomb.jpg", .resourceExhausted),
            ("unknown_people/nobody.jpg", .notFound),
            ("", .invalidArgument),
            ("unknown_people", .invalidArgument),  // a directory
        ]
        for (path, code) in expected {
            #expect(await statusCode { try await server.identifyV1(path) } == code, "\(path)")
        }
        // The server is still fine afterwards.
        #expect(try await server.identifyV1("unknown_people/obama2.jpg") == "obama.jpg")
    }

    @Test func pathTraversalIsRefused() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }

        for path in [
            "../outside/secret.jpg", "unknown_people/../../outside/secret.jpg", server.outside + "/secret.jpg",
            "/etc/passwd", "escape.jpg", "escape_dir/secret.jpg", "unknown_people/obama2.jpg\u{0}.png",
        ] {
            #expect(await statusCode { try await server.identifyV1(path) } == .invalidArgument, "\(path)")
        }
    }
}
