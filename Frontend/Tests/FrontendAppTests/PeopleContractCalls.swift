import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import MySQL
import PeopleLibrary
import SharedTestSupport
import Testing

/// Drives every documented status of the people-management operations for `OpenAPIContractTests`: a
/// frontend with a token, people management and a gRPC enroller whose FaceRecognition is not there, and
/// one without people management (503).
enum PeopleContractCalls {
    /// Documented, not produced in process: a successful enrollment needs the real FaceRecognition (the
    /// browser suite, tests/browser, enrolls through it).
    static let notDrivenHere: Set<String> = ["POST /api/people 200", "POST /api/people 201"]

    static let token = "contract-token"

    static func drive(_ contract: OpenAPIContract) async throws {
        try await EnrollmentUploadTests.withUnreachableEnroller { enroller in
            try await withWritableRouter(token: token, enroller: enroller, maxUploadBytes: 64 * 1024) { seeded, client in
                try await writes(ContractClient(contract: contract, client: client), seeded)
            }
        }
        try await withSeededRouter { _, client in
            let c = ContractClient(contract: contract, client: client)
            let json: HTTPFields = [.contentType: "application/json"]
            try await c.call(.get, "/api/people/suggest?q=a", as: "/api/people/suggest", expect: 503)
            try await c.call(.get, "/api/groups", expect: 503)
            try await c.call(.post, "/api/faces/1/name", as: "/api/faces/{id}/name", headers: json, body: #"{"name":"A"}"#, expect: 503)
            try await c.call(.post, "/api/groups/1/name", as: "/api/groups/{id}/name", headers: json, body: #"{"name":"A"}"#, expect: 503)
            try await c.call(.patch, "/api/people/1", as: "/api/people/{id}", headers: json, body: #"{"name":"A"}"#, expect: 503)
            try await c.call(.post, "/api/people/1/merge", as: "/api/people/{id}/merge", headers: json, body: #"{"into":2}"#, expect: 503)
            try await c.call(.delete, "/api/people/1/faces/1", as: "/api/people/{id}/faces/{face}", expect: 503)
            try await c.call(.delete, "/api/people/1", as: "/api/people/{id}", expect: 503)
        }
    }

    static func writes(_ c: ContractClient, _ seeded: SeededFrontend) async throws {
        let bearer = "Bearer \(token)"
        let json: HTTPFields = [.contentType: "application/json", .authorization: bearer]
        let anonymous: HTTPFields = [.contentType: "application/json"]
        let crossSite: HTTPFields = [.contentType: "application/json", .authorization: bearer, .origin: "https://evil.example"]
        let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .authorization: bearer]
        let huge = "{\"name\":\"" + String(repeating: "x", count: 70 * 1024) + "\"}"
        let ross = seeded.people["Ross"]!, joey = seeded.people["Joey"]!, rachel = seeded.people["Rachel"]!
        let (face, other) = try await seeded.unknownFriendsFaces()
        try await seeded.setDescriptor(of: other, to: 1)
        _ = try await MySQLUnknownFaceGrouper(pool: seeded.pool).group(faceIDs: [other])

        try await c.call(.get, "/api/people/suggest?q=R", as: "/api/people/suggest", expect: 200)
        try await c.call(.get, "/api/people/suggest?limit=99", as: "/api/people/suggest", expect: 400)
        let groups = try await c.call(.get, "/api/groups", expect: 200)
        let group = try #require(((try groups?.json()["groups"]) as? [[String: Any]])?.first?["id"] as? Int)
        try await c.call(.get, "/api/groups?offset=-1", as: "/api/groups", expect: 400)

        // Every JSON write: the common refusals, then its own answers.
        let writes: [(HTTPRequest.Method, String, String, String)] = [
            (.post, "/api/faces/\(face)/name", "/api/faces/{id}/name", #"{"name":"Monica"}"#),
            (.post, "/api/groups/\(group)/name", "/api/groups/{id}/name", #"{"name":"Chandler"}"#),
            (.patch, "/api/people/\(ross)", "/api/people/{id}", #"{"name":"Ross Geller"}"#),
            (.post, "/api/people/\(joey)/merge", "/api/people/{id}/merge", "{\"into\":\(ross)}"),
            (.delete, "/api/people/\(rachel)/faces/\(face)", "/api/people/{id}/faces/{face}", ""),
            (.delete, "/api/people/\(rachel)", "/api/people/{id}", ""),
        ]
        for (method, uri, template, body) in writes {
            try await c.call(method, uri, as: template, headers: anonymous, body: body, expect: 401)
            try await c.call(method, uri, as: template, headers: crossSite, body: body, expect: 403)
            if !body.isEmpty {
                try await c.call(method, uri, as: template, headers: formType, body: "name=x", expect: 415)
                try await c.call(method, uri, as: template, headers: json, body: huge, expect: 413)
                try await c.call(method, uri, as: template, headers: json, body: "{", expect: 400)
            }
        }
        try await c.call(.post, "/api/faces/\(face)/name", as: "/api/faces/{id}/name", headers: json, body: #"{"name":"Monica"}"#, expect: 200)
        try await c.call(.post, "/api/faces/999999/name", as: "/api/faces/{id}/name", headers: json, body: #"{"name":"X"}"#, expect: 404)
        try await c.call(.post, "/api/groups/\(group)/name", as: "/api/groups/{id}/name", headers: json, body: #"{"name":"Chandler"}"#, expect: 200)
        try await c.call(.post, "/api/groups/999999/name", as: "/api/groups/{id}/name", headers: json, body: #"{"name":"X"}"#, expect: 404)
        try await c.call(.patch, "/api/people/\(ross)", as: "/api/people/{id}", headers: json, body: #"{"name":"Ross Geller"}"#, expect: 200)
        try await c.call(.patch, "/api/people/\(ross)", as: "/api/people/{id}", headers: json, body: #"{"name":"Joey"}"#, expect: 409)
        try await c.call(.patch, "/api/people/999999", as: "/api/people/{id}", headers: json, body: #"{"name":"X"}"#, expect: 404)
        try await c.call(.post, "/api/people/\(joey)/merge", as: "/api/people/{id}/merge", headers: json, body: "{\"into\":\(ross)}", expect: 200)
        try await c.call(.post, "/api/people/\(joey)/merge", as: "/api/people/{id}/merge", headers: json, body: "{\"into\":\(ross)}", expect: 404)
        try await c.call(.delete, "/api/people/\(ross)/faces/999999", as: "/api/people/{id}/faces/{face}", headers: json, expect: 404)
        try await c.call(.delete, "/api/people/x/faces/1", as: "/api/people/{id}/faces/{face}", headers: json, expect: 400)
        let monica = try #require(try await seeded.person(ofFace: face))
        try await c.call(.delete, "/api/people/\(monica)/faces/\(face)", as: "/api/people/{id}/faces/{face}", headers: json, expect: 200)
        try await c.call(.delete, "/api/people/\(rachel)", as: "/api/people/{id}", headers: json, expect: 200)
        try await c.call(.delete, "/api/people/\(rachel)", as: "/api/people/{id}", headers: json, expect: 404)
        try await c.call(.delete, "/api/people/0", as: "/api/people/{id}", headers: json, expect: 400)

        // The upload: refusals before FaceRecognition, then FaceRecognition unreachable.
        let photo = Array(try Data(contentsOf: URL(fileURLWithPath: SeededFrontend.photos + "/Tom_Hanks_54745.png")))
        func upload(_ name: String?, _ files: [(String, [UInt8])]) -> ByteBuffer {
            var body = MultipartBody()
            if let name { body.field("name", name) }
            for (filename, data) in files { body.file("photos", filename: filename, data) }
            return body.body
        }
        let multipart: HTTPFields = [.contentType: MultipartBody.contentType, .authorization: bearer]
        try await c.bytes(.post, "/api/people", headers: [.contentType: MultipartBody.contentType], body: upload("A", [("a.png", photo)]), expect: 401)
        try await c.bytes(
            .post, "/api/people", headers: [.contentType: MultipartBody.contentType, .authorization: bearer, .origin: "http://evil.example"],
            body: upload("A", [("a.png", photo)]), expect: 403)
        try await c.call(.post, "/api/people", headers: json, body: #"{"name":"A"}"#, expect: 415)
        try await c.bytes(.post, "/api/people", headers: multipart, body: upload(nil, [("a.png", photo)]), expect: 400)
        try await c.bytes(.post, "/api/people", headers: multipart, body: upload("A", [("notes.jpg", Array("text".utf8))]), expect: 422)
        try await c.bytes(.post, "/api/people", headers: multipart, body: upload("A", [("big.png", [UInt8](repeating: 1, count: 70 * 1024))]), expect: 413)
        try await c.bytes(.post, "/api/people", headers: multipart, body: upload("Tom Hanks", [("hanks.png", photo)]), expect: 503)

        try await pages(c, seeded)
    }

    /// The pages and forms: the forms redirect (303) after a change or a refused change, show the error page
    /// for a form that is not ours (403), a body too large (413) or of the wrong type (415).
    static func pages(_ c: ContractClient, _ seeded: SeededFrontend) async throws {
        let person = seeded.people["Ross"]!  // still there after `writes`
        var browser = BrowserState()
        browser.take(try #require(try await c.call(.get, "/people/\(person)", as: "/people/{id}", expect: 200)))
        try await c.call(.get, "/people/x", as: "/people/{id}", expect: 400)
        try await c.call(.get, "/people/999999", as: "/people/{id}", expect: 404)
        // Not logged in: the login form is the page with a CSRF token.
        browser.take(try #require(try await c.call(.get, "/login?next=/people", as: "/login", expect: 200)))
        let token = try #require(browser.csrfToken)
        let cookies = browser.cookieHeader
        let forms: [(String, String)] = [
            ("/faces/1/name", "/faces/{id}/name"), ("/groups/1/name", "/groups/{id}/name"), ("/people/\(person)/rename", "/people/{id}/rename"),
            ("/people/\(person)/merge", "/people/{id}/merge"), ("/people/\(person)/faces/1/remove", "/people/{id}/faces/{face}/remove"),
            ("/people/\(person)/delete", "/people/{id}/delete"), ("/login", "/login"), ("/logout", "/logout"),
        ]
        let urlencoded: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: cookies, .origin: "http://localhost"]
        for (uri, template) in forms {
            try await c.call(.post, uri, as: template, headers: urlencoded, body: "csrf_token=\(token)&name=Zed&into=999999&token=nope", expect: 303)
            try await c.call(.post, uri, as: template, headers: urlencoded, body: "csrf_token=forged&name=Zed", expect: 403)
            try await c.call(.post, uri, as: template, headers: [.contentType: "text/plain", .cookie: cookies], body: "x", expect: 415)
            try await c.call(
                .post, uri, as: template, headers: urlencoded, body: "name=" + String(repeating: "x", count: 70 * 1024), expect: 413)
        }
        var form = MultipartBody()
        form.field("csrf_token", token)
        form.field("name", "Nobody")
        form.file("photos", filename: "notes.jpg", Array("text".utf8))
        let multipart: HTTPFields = [.contentType: MultipartBody.contentType, .cookie: cookies, .origin: "http://localhost"]
        try await c.bytes(.post, "/people", headers: multipart, body: form.body, expect: 303)
        var forged = MultipartBody()
        forged.field("name", "Nobody")
        forged.file("photos", filename: "notes.jpg", Array("text".utf8))
        try await c.bytes(.post, "/people", headers: multipart, body: forged.body, expect: 403)
        try await c.call(.post, "/people", headers: [.contentType: "text/plain", .cookie: cookies], body: "x", expect: 415)
        var big = MultipartBody()
        big.field("csrf_token", token)
        big.file("photos", filename: "big.png", [UInt8](repeating: 1, count: 70 * 1024))
        try await c.bytes(.post, "/people", headers: multipart, body: big.body, expect: 303)
    }
}

extension ContractClient {
    /// `call` with a binary body (uploads).
    @discardableResult
    func bytes(
        _ method: HTTPRequest.Method, _ uri: String, as template: String? = nil, headers: HTTPFields, body: ByteBuffer,
        expect status: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        #expect(response.status.code == status, "\(method) \(uri): \(response.text.prefix(300))", sourceLocation: sourceLocation)
        let problems = contract.check(
            OpenAPIOperation(method.rawValue, template ?? uri), status: response.status.code,
            contentType: response.headers[.contentType], body: Data(response.body.readableBytesView))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))", sourceLocation: sourceLocation)
        return response
    }
}
