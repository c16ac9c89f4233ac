import FaceRecognitionAPI
import Foundation
import GRPCCore
import Testing

@Suite("v2 gallery management over gRPC", .serialized)
struct GalleryManagementTests {
    @Test func enrollListRemove() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }

        // Tom Hanks is unknown until enrolled (from a path under the image root).
        #expect(try await server.identifyV1("unknown_people/Tom_Hanks_54745.png") == "not_found")
        var enroll = Facerecog_V2_EnrollRequest()
        enroll.personName = "Tom Hanks"
        enroll.image.path = "unknown_people/Tom_Hanks_54745.png"
        let enrolled = try await server.v2.enroll(enroll)
        #expect(enrolled.personCreated)
        #expect(enrolled.facesEnrolled == 1)
        #expect(FileManager.default.fileExists(atPath: server.root + "/known_people/" + enrolled.imageName))
        #expect(try await server.identifyV1("unknown_people/Tom_Hanks_54745.png") == enrolled.imageName)

        // Another photo of Obama, as bytes.
        var more = Facerecog_V2_EnrollRequest()
        more.personName = "Barack Obama"
        more.image.data = try Data(contentsOf: URL(fileURLWithPath: TestServer.photos + "/obama3.jpg"))
        let second = try await server.v2.enroll(more)
        #expect(!second.personCreated)

        let people = try await server.v2.listPeople(Facerecog_V2_ListPeopleRequest()).people
        #expect(people.map(\.name) == ["Barack Obama", "Joe Biden", "Tom Hanks"])
        #expect(people.first?.galleryFaces == 2)
        #expect(people.first?.imageNames.contains("obama.jpg") == true)

        // Refusals.
        var noFace = Facerecog_V2_EnrollRequest()
        noFace.personName = "Mask"
        noFace.image.path = "unknown_people/mask_white.jpg"
        #expect(await statusCode { try await server.v2.enroll(noFace) } == .failedPrecondition)
        var noName = enroll
        noName.personName = " "
        #expect(await statusCode { try await server.v2.enroll(noName) } == .invalidArgument)
        var escape = enroll
        escape.image.path = "../outside/secret.jpg"
        #expect(await statusCode { try await server.v2.enroll(escape) } == .invalidArgument)

        var remove = Facerecog_V2_RemovePersonRequest()
        remove.personName = "Tom Hanks"
        let removed = try await server.v2.removePerson(remove)
        #expect(removed.personID == enrolled.personID && removed.facesRemoved == 1 && removed.imagesRemoved == 1)
        #expect(try await server.identifyV1("unknown_people/Tom_Hanks_54745.png") == "not_found")
        #expect(await statusCode { try await server.v2.removePerson(remove) } == .notFound)
        #expect(await statusCode { try await server.v2.removePerson(Facerecog_V2_RemovePersonRequest()) } == .invalidArgument)
    }

    @Test func descriptorsAreComputedOnceAcrossRestarts() async throws {
        let server = try await TestServer.start(ready: false)
        defer { Task { await server.stop() } }
        let first = try await server.load()
        #expect(await first.descriptorsComputed == 2)
        let ids = try await server.pool.query("SELECT id FROM faces ORDER BY id").compactMap { $0["id"]?.int }
        #expect(ids.count == 2)
        _ = try await server.identifyV1("unknown_people/obama2.jpg")
        _ = try await server.identifyV1("unknown_people/biden.jpg")
        // A "restart": a new store over the same database computes nothing and keeps the rows.
        let second = try await server.load()
        #expect(await second.descriptorsComputed == 0)
        #expect(try await server.pool.query("SELECT id FROM faces ORDER BY id").compactMap { $0["id"]?.int } == ids)
        #expect(try await server.identifyV1("unknown_people/obama3.jpg") == "obama.jpg")
    }
}
