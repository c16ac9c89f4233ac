import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import PeopleLibrary
import Testing

/// The seeded frontend with people management on (the real `MySQLPeopleLibrary`), an API token when
/// `token` is set, and `enroller` for uploads.
func withWritableRouter(
    token: String? = nil, enroller: (any PersonEnroller)? = nil, maxUploadBytes: Int = 16 << 20,
    _ body: @Sendable (SeededFrontend, any TestClientProtocol) async throws -> Void
) async throws {
    let seeded = try await SeededFrontend.make()
    do {
        var dependencies = seeded.dependencies()
        dependencies.people = MySQLPeopleLibrary(pool: seeded.pool, grouper: MySQLUnknownFaceGrouper(pool: seeded.pool))
        dependencies.enroller = enroller
        dependencies.access = WriteAccess(apiToken: token, signer: CookieSigner(secret: "test secret"))
        dependencies.maxUploadBytes = maxUploadBytes
        let app = try buildApplication(dependencies)
        seeded.health.markStarted()
        try await app.test(.router) { client in try await body(seeded, client) }
    } catch {
        await seeded.shutdown()
        throw error
    }
    await seeded.shutdown()
}

/// A browser's cookies and the CSRF token of the last page it loaded.
struct BrowserState {
    var cookies: [String: String] = [:]
    var csrfToken: String?

    var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }

    mutating func take(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let maxAgeZero = header.contains("Max-Age=0")
            cookies[String(pair[0])] = maxAgeZero ? nil : String(pair[1])
        }
        if let token = captures(#"name="csrf_token" value="([0-9a-f]+)""#, in: String(buffer: response.body)).first {
            csrfToken = token
        }
    }

    /// GET as this browser; keeps the cookies and the form token.
    mutating func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        let response = try await client.execute(uri: uri, method: .get, headers: headers)
        take(response)
        return response
    }

    /// POSTs a same-origin urlencoded form with the CSRF token (unless `csrf` is false).
    mutating func post(
        _ client: any TestClientProtocol, _ uri: String, _ fields: [String: String], csrf: Bool = true, origin: String? = "http://localhost"
    ) async throws -> TestResponse {
        var all = fields
        if csrf, let csrfToken { all["csrf_token"] = csrfToken }
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let origin { headers[.origin] = origin }
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        let body = all.map { "\(FormEncoding.encode($0.key))=\(FormEncoding.encode($0.value))" }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        take(response)
        return response
    }

    /// The message a redirect left for the next page.
    var flash: String? {
        cookies["fp_flash"].flatMap { $0.removingPercentEncoding }
    }
}

enum FormEncoding {
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

extension TestClientProtocol {
    /// A JSON request (`Content-Type: application/json`).
    func sendJSON(
        _ method: HTTPRequest.Method, _ uri: String, _ json: String, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var all = headers
        all[.contentType] = "application/json"
        return try await execute(uri: uri, method: method, headers: all, body: ByteBuffer(string: json))
    }
}

/// A multipart/form-data body with text fields and files.
struct MultipartBody {
    static let boundary = "TestBoundary7MA4YWxk"
    var bytes: [UInt8] = []

    mutating func field(_ name: String, _ value: String) {
        bytes += Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    mutating func file(_ name: String, filename: String, _ data: [UInt8]) {
        bytes += Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        bytes += data + Array("\r\n".utf8)
    }

    var body: ByteBuffer { ByteBuffer(bytes: bytes + Array("--\(Self.boundary)--\r\n".utf8)) }
    static var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}
