import Foundation
import FrontendApp
import GRPCCore
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Enrollment by upload up to FaceRecognition: what is refused before the call (not multipart, no name,
/// no photo, not an image, too big) and the 503 when FaceRecognition cannot be reached (a real gRPC
/// client to a closed port). Real enrollments are in the browser suite (tests/browser), with the real
/// FaceRecognition.
@Suite("enrollment by upload")
struct EnrollmentUploadTests {
    static func photo(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: SeededFrontend.photos + "/" + name)))
    }

    /// A gRPC enroller whose FaceRecognition is not there.
    static func withUnreachableEnroller(_ body: @Sendable (any PersonEnroller) async throws -> Void) async throws {
        let connection = try FaceRecognitionConnection(host: "127.0.0.1", port: try closedPort())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.client.runConnections() }
            try await body(GRPCPersonEnroller(client: connection.client, deadline: .seconds(10)))
            connection.client.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }

    static func upload(_ client: any TestClientProtocol, _ uri: String = "/api/people", _ build: (inout MultipartBody) throws -> Void)
        async throws -> TestResponse
    {
        var body = MultipartBody()
        try build(&body)
        return try await client.execute(uri: uri, method: .post, headers: [.contentType: MultipartBody.contentType], body: body.body)
    }

    @Test("refused before FaceRecognition: content type, name, photos, not an image, too big")
    func refusals() async throws {
        try await Self.withUnreachableEnroller { enroller in
            try await withWritableRouter(enroller: enroller, maxUploadBytes: 200 * 1024) { _, client in
                let json = try await client.sendJSON(.post, "/api/people", #"{"name":"Ada"}"#)
                #expect(json.status == .unsupportedMediaType)
                #expect((try json.json()["error"] as? String)?.hasPrefix("upload the photos as multipart/form-data") == true)

                let noName = try await Self.upload(client) { try $0.file("photos", filename: "t.png", Self.photo("Tom_Hanks_54745.png")) }
                #expect(noName.status == .badRequest)
                #expect(try noName.json()["error"] as? String == "name: the name is empty")

                let noPhoto = try await Self.upload(client) { $0.field("name", "Ada") }
                #expect(noPhoto.status == .badRequest)
                #expect(try noPhoto.json()["error"] as? String == "choose at least one photo (field photos)")

                let text = try await Self.upload(client) {
                    $0.field("name", "Ada")
                    $0.file("photos", filename: "notes.jpg", Array("just some text".utf8))
                }
                #expect(text.status == .unprocessableContent)
                let body = try text.json()
                let photo = try #require((body["photos"] as? [[String: Any]])?.first)
                #expect(photo["status"] as? String == "not_an_image")
                #expect(photo["message"] as? String == "not a JPEG or PNG image")
                #expect((body["error"] as? String)?.contains("notes.jpg: not a JPEG or PNG image.") == true)

                let big = try await Self.upload(client) {
                    $0.field("name", "Ada")
                    try $0.file("photos", filename: "obama.jpg", Self.photo("obama.jpg"))
                }
                #expect(big.status == .contentTooLarge)
                #expect(try big.json()["error"] as? String == "the upload is larger than 200 KiB: send fewer or smaller photos")
            }
        }
    }

    @Test("FaceRecognition unreachable: 503 per photo, the form says why")
    func unavailable() async throws {
        try await Self.withUnreachableEnroller { enroller in
            try await withWritableRouter(enroller: enroller) { seeded, client in
                let response = try await Self.upload(client) {
                    $0.field("name", "Tom Hanks")
                    try $0.file("photos", filename: "hanks.png", Self.photo("Tom_Hanks_54745.png"))
                }
                #expect(response.status == .serviceUnavailable, "\(response.text)")
                let photo = try #require((try response.json()["photos"] as? [[String: Any]])?.first)
                #expect(photo["status"] as? String == "unavailable")
                #expect((photo["message"] as? String)?.hasPrefix("face recognition is unavailable right now") == true)

                var browser = BrowserState()
                _ = try await browser.get(client, "/people")
                var form = MultipartBody()
                form.field("csrf_token", try #require(browser.csrfToken))
                form.field("name", "Tom Hanks")
                form.file("photos", filename: "hanks.png", try Self.photo("Tom_Hanks_54745.png"))
                let posted = try await client.execute(
                    uri: "/people", method: .post,
                    headers: [.contentType: MultipartBody.contentType, .cookie: browser.cookieHeader, .origin: "http://localhost"],
                    body: form.body)
                browser.take(posted)
                #expect(posted.status == .seeOther)
                #expect(posted.headers[.location] == "/people")
                #expect(browser.flash?.hasPrefix("e:Tom Hanks: no photo enrolled. hanks.png: face recognition is unavailable") == true, "\(browser.flash ?? "")")
                #expect(try await seeded.pool.query("SELECT id FROM person WHERE name = 'Tom Hanks'").isEmpty)

                // Without the CSRF token the upload form is refused outright.
                var forged = MultipartBody()
                forged.field("name", "Tom Hanks")
                forged.file("photos", filename: "hanks.png", try Self.photo("Tom_Hanks_54745.png"))
                let refused = try await client.execute(
                    uri: "/people", method: .post, headers: [.contentType: MultipartBody.contentType, .cookie: browser.cookieHeader],
                    body: forged.body)
                #expect(refused.status == .forbidden)
            }
        }
    }
}

/// A loopback port nothing listens on (bound, then closed).
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw BrowserTestError("cannot bind a loopback port") }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
