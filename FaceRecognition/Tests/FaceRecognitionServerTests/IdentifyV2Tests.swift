import FaceRecognitionAPI
import Foundation
import GRPCCore
import Testing

@Suite("v2 facerecog.v2.FaceRecognition over gRPC", .serialized)
struct IdentifyV2Tests {
    @Test func reportsEveryFaceWithNearestAndRunnerUp() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }

        let obama = try await server.identifyV2(path: "unknown_people/obama2.jpg", landmarks: true)
        #expect(obama.imageWidth == 626 && obama.imageHeight == 1200)
        #expect(obama.faces.count == 1)
        let face = try #require(obama.faces.first)
        #expect(face.known)
        #expect(face.nearest.personName == "Barack Obama")
        #expect(face.nearest.imageName == "obama.jpg")
        #expect(face.nearest.distance < 0.6)
        #expect(face.runnerUp.personName == "Joe Biden")
        #expect(face.runnerUp.distance > face.nearest.distance)
        #expect(face.landmarks.count == 5)
        #expect(face.box.right > face.box.left && face.box.bottom > face.box.top)
        #expect(obama.matchThreshold == 0.6)
        #expect(obama.galleryFaces == 2)
        #expect(obama.timings.totalMs > 0 && obama.timings.detectMs > 0)

        let group = try await server.identifyV2(path: "unknown_people/t1.jpg")
        #expect(group.faces.count == 6)
        #expect(group.faces.allSatisfy { !$0.known && $0.hasNearest && $0.nearest.distance > 0.6 })
        #expect(group.faces.allSatisfy { $0.landmarks.isEmpty })  // not asked for

        #expect(try await server.identifyV2(path: "unknown_people/mask_white.jpg").faces.isEmpty)
        let hanks = try await server.identifyV2(path: "unknown_people/Tom_Hanks_54745.png")
        #expect(hanks.faces.allSatisfy { !$0.known })

        // Bytes instead of a path give the same answer.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestServer.photos + "/32bit.png")))
        let fromBytes = try await server.identifyV2(data: bytes)
        #expect(fromBytes.faces.first?.nearest.personName == "Barack Obama")
        #expect(fromBytes.faces.first?.known == true)

        // Descriptors: 128 floats, the same for the same photo, close for the same person, far otherwise.
        #expect(face.descriptor.count == 128)
        let again = try await server.identifyV2(path: "unknown_people/obama2.jpg")
        #expect(again.faces.first?.descriptor == face.descriptor)
        let otherObama = try #require(fromBytes.faces.first?.descriptor)
        #expect(Self.distance(face.descriptor, otherObama) < 0.6)
        #expect(group.faces.allSatisfy { $0.descriptor.count == 128 && Self.distance(face.descriptor, $0.descriptor) > 0.6 })
    }

    static func distance(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }.squareRoot()
    }

    @Test func badRequestsGetTheRightStatus() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }

        #expect(await statusCode { try await server.v2.identify(Facerecog_V2_IdentifyRequest()) } == .invalidArgument)
        #expect(await statusCode { try await server.identifyV2(data: []) } == .invalidArgument)
        #expect(await statusCode { try await server.identifyV2(data: Array("just text".utf8)) } == .invalidArgument)
        let obama = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestServer.photos + "/obama.jpg")))
        #expect(await statusCode { try await server.identifyV2(data: Array(obama.prefix(obama.count / 2))) } == .invalidArgument)
        let bomb = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestServer.photos + "/bad/pixel-bomb.png")))
        #expect(await statusCode { try await server.identifyV2(data: bomb) } == .resourceExhausted)
        // Over the configured 8 MiB image limit.
        #expect(await statusCode { try await server.identifyV2(data: [UInt8](repeating: 0xFF, count: 9 << 20)) } == .resourceExhausted)
        #expect(await statusCode { try await server.identifyV2(path: "../outside/secret.jpg") } == .invalidArgument)
        #expect(await statusCode { try await server.identifyV2(path: "missing.jpg") } == .notFound)
    }

    @Test func concurrentCallsAnswerLikeSequentialOnes() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }

        let probes = TestServer.probes.map { "unknown_people/" + $0 }
        var sequential: [String: Facerecog_V2_IdentifyResponse] = [:]
        for probe in probes { sequential[probe] = try await server.identifyV2(path: probe) }

        let calls = (0..<32).map { probes[$0 % probes.count] }
        let concurrent = try await withThrowingTaskGroup(of: (String, Facerecog_V2_IdentifyResponse).self) { group in
            for probe in calls {
                group.addTask { (probe, try await server.identifyV2(path: probe)) }
            }
            var results: [(String, Facerecog_V2_IdentifyResponse)] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(concurrent.count == 32)
        for (probe, response) in concurrent {
            // Everything but the timings must be identical.
            var got = response
            var want = try #require(sequential[probe])
            got.clearTimings()
            want.clearTimings()
            #expect(got == want, "\(probe)")
        }
    }
}
