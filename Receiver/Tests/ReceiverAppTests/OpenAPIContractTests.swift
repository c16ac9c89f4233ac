import Foundation
import Hummingbird
import HummingbirdTesting
import MySQL
import SharedTestSupport
import Testing

@testable import ReceiverApp

/// The OpenAPI document (`ReceiverOpenAPI.json`, served at `/openapi.json`) is the contract: every route
/// the router registers is in it and the other way round, and every documented status of every operation
/// is produced here, in process, with a body that matches its schema and a documented content type.
/// (Chosen over generated types: no generator plugin or runtime in the service builds; see README.)
@Suite("OpenAPI contract")
struct OpenAPIContractTests {
    static let token = "contract-token"
    static let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [UInt8](repeating: 9, count: 64)

    @Test("the document is OpenAPI 3.1 with resolvable references and only checked schema keywords")
    func documentIsSound() throws {
        let contract = try OpenAPIContract(json: ReceiverOpenAPI.json)
        #expect(contract.documentProblems() == [])
        #expect(contract.operations.count >= 8)
    }

    @Test("every route the router registers is documented, and every documented operation is routed")
    func routesMatchDocument() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        let contract = try OpenAPIContract(json: ReceiverOpenAPI.json)
        let registered = buildRouter(harness.dependencies).routes.map { OpenAPIOperation($0.method.rawValue, $0.path.description) }
        let problems = contract.routeProblems(registered: registered)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("GET /openapi.json serves the document byte for byte")
    func served() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        try await harness.app().test(.router) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(String(buffer: response.body) == ReceiverOpenAPI.json)
        }
    }

    @Test("every documented status of every operation is produced, with a body that matches its schema")
    func everyStatusConforms() async throws {
        let contract = try OpenAPIContract(json: ReceiverOpenAPI.json)
        try await workingService(contract)
        try await brokenService(contract)
        let missing = contract.unexercised()
        #expect(missing.isEmpty, "documented but never produced here (drive it or drop it from the document): \(missing)")
    }

    /// A healthy receiver with small limits and an API token: the success and refusal statuses.
    func workingService(_ contract: OpenAPIContract) async throws {
        let settings = ReceiverSettings(maxBodyBytes: 4096, maxBatchPaths: 10, maxUploadBytes: 1024, apiToken: Self.token)
        let harness = try await ReceiverHarness.make(settings: settings)
        defer { Task { await harness.close() } }
        let pool = harness.pool
        try await pool.execute("INSERT INTO person (name) VALUES ('Barack Obama')")
        let person = try await pool.query("SELECT id FROM person")[0].decode("id", as: Int64.self)
        try await pool.execute(
            "INSERT INTO images (path, status, person, attempts, last_error) VALUES ('seen.jpg', 2, ?, 3, 'no face')", [.int(person)])
        let image = try await pool.query("SELECT id FROM images")[0].decode("id", as: Int64.self)
        let descriptor = MySQLValue.bytes([UInt8](repeating: 0, count: 512))
        try await pool.execute(
            "INSERT INTO faces (image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, person_id, distance) VALUES (?, 0, 1, 2, 3, 4, ?, ?, 0.4), (?, 1, 5, 6, 7, 8, ?, NULL, NULL)",
            [.int(image), descriptor, .int(person), .int(image), descriptor])

        try await harness.app().test(.router) { client in
            let c = ContractClient(contract: contract, client: client)
            let one = "/image/post", many = "/images/post", upload = "/images", details = "/images/{id}"
            // POST /image/post
            let queued = try await c.call(.post, one, headers: Self.auth, body: "{\"path\":\"contract/a.jpg\"}", expect: 202)
            try await c.call(.post, one, headers: Self.auth, body: "{\"path\":\"contract/a.jpg\"}", expect: 200)
            try await c.call(.post, one, headers: Self.auth, body: "{\"path\":", expect: 400)
            try await c.call(.post, one, headers: [.contentType: "application/json"], body: "{\"path\":\"a.jpg\"}", expect: 401)
            try await c.call(.post, one, headers: Self.auth, body: "{\"path\":\"" + String(repeating: "x", count: 5000) + ".jpg\"}", expect: 413)
            try await c.call(.post, one, headers: Self.auth.with(contentType: "application/xml"), body: "<path/>", expect: 415)
            try await c.call(.post, one, headers: Self.auth, body: "{\"path\":\"../a.jpg\"}", expect: 422)
            // POST /images/post
            try await c.call(.post, many, headers: Self.auth, body: "{\"paths\":[{\"path\":\"contract/b.jpg\"},{\"path\":\"contract/a.jpg\"}]}", expect: 202)
            try await c.call(.post, many, headers: Self.auth, body: "{\"paths\":[{\"path\":\"contract/c.jpg\"},{\"path\":\"c.gif\"}]}", expect: 207)
            try await c.call(.post, many, headers: Self.auth, body: "{\"paths\":[{\"path\":\"/abs.jpg\"}]}", expect: 422)
            try await c.call(.post, many, headers: Self.auth, body: "{\"paths\":[]}", expect: 422)
            try await c.call(.post, many, headers: Self.auth, body: "{\"paths\":[{\"path\":\"a.jpg\",\"x\":1}]}", expect: 400)
            try await c.call(.post, many, headers: [:], body: "{\"paths\":[]}", expect: 401)
            let eleven = "{\"paths\":[" + (0..<11).map { "{\"path\":\"m\($0).jpg\"}" }.joined(separator: ",") + "]}"
            try await c.call(.post, many, headers: Self.auth, body: eleven, expect: 413)
            try await c.call(.post, many, headers: Self.auth.with(contentType: "image/png"), body: "{}", expect: 415)
            // POST /images
            let jpegHeaders = Self.auth.with(contentType: "image/jpeg")
            try await c.call(.post, upload, headers: jpegHeaders, bytes: Self.jpeg, expect: 202)
            try await c.call(.post, upload, headers: jpegHeaders, bytes: Self.jpeg, expect: 200)
            try await c.call(.post, upload, headers: jpegHeaders, bytes: [], expect: 400)
            try await c.call(.post, upload, headers: [.contentType: "image/jpeg"], bytes: Self.jpeg, expect: 401)
            try await c.call(.post, upload, headers: jpegHeaders, bytes: Self.jpeg + [UInt8](repeating: 0, count: 2000), expect: 413)
            try await c.call(.post, upload, headers: Self.auth.with(contentType: "text/plain"), body: "hello", expect: 415)
            try await c.call(.post, upload, headers: jpegHeaders, body: "GIF89a......", expect: 422)
            // GET /images/{id}: a failed image with a person and faces, a fresh pending one, refusals.
            try await c.call(.get, "/images/\(image)", as: details, expect: 200)
            let fresh = try #require(queued.flatMap { try? JSONValue.parse(Data($0.body.readableBytesView)) }?["id"]?.description)
            try await c.call(.get, "/images/\(fresh)", as: details, expect: 200)
            try await c.call(.get, "/images/abc", as: details, expect: 400)
            try await c.call(.get, "/images/999999", as: details, expect: 404)
            // Operational routes and the document itself.
            try await c.call(.get, "/healthz", expect: 200)
            try await c.call(.get, "/readyz", expect: 200)
            try await c.call(.get, "/metrics", expect: 200)
            try await c.call(.get, "/openapi.json", expect: 200)
        }
    }

    /// A receiver whose database breaks in every way it can: a statement that fails (500), an image root
    /// that cannot take uploads (500), then no database at all (503).
    func brokenService(_ contract: OpenAPIContract) async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        try await harness.pool.withConnection { connection in
            try await connection.run(
                "CREATE TRIGGER contract_boom BEFORE INSERT ON images FOR EACH ROW BEGIN IF NEW.path LIKE 'boom%' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; END IF; END")
            try await connection.run("DROP TABLE faces")
        }
        // A file where the uploads folder belongs: storing an upload fails.
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: harness.root + "/uploads"))
        let json: HTTPFields = [.contentType: "application/json"]
        try await harness.app().test(.router) { client in
            let c = ContractClient(contract: contract, client: client)
            try await c.call(.post, "/image/post", headers: json, body: "{\"path\":\"boom.jpg\"}", expect: 500)
            try await c.call(.post, "/images/post", headers: json, body: "{\"paths\":[{\"path\":\"boom1.jpg\"}]}", expect: 500)
            try await c.call(.post, "/images", headers: [.contentType: "image/jpeg"], bytes: Self.jpeg, expect: 500)
            let id = Int64(try await harness.pool.execute("INSERT INTO images (path) VALUES ('x.jpg')").lastInsertID)
            try await c.call(.get, "/images/\(id)", as: "/images/{id}", expect: 500)

            await harness.pool.shutdown()
            try await c.call(.post, "/image/post", headers: json, body: "{\"path\":\"down.jpg\"}", expect: 503)
            try await c.call(.post, "/images/post", headers: json, body: "{\"paths\":[{\"path\":\"down.jpg\"}]}", expect: 503)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
            try? FileManager.default.removeItem(atPath: harness.root + "/uploads")
            try await c.call(.post, "/images", headers: [.contentType: "image/png"], bytes: png, expect: 503)
            try await c.call(.get, "/images/\(id)", as: "/images/{id}", expect: 503)
            try await c.call(.get, "/readyz", expect: 503)
        }
    }
}

/// Drives one request through the in-process router and holds its answer to the contract.
struct ContractClient {
    let contract: OpenAPIContract
    let client: any TestClientProtocol

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, as template: String? = nil, headers: HTTPFields = [:], body: String? = nil,
        bytes: [UInt8]? = nil, expect status: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TestResponse? {
        let buffer = bytes.map { ByteBuffer(bytes: $0) } ?? body.map { ByteBuffer(string: $0) }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: buffer)
        let text = String(buffer: response.body)
        #expect(response.status.code == status, "\(method) \(uri): \(text)", sourceLocation: sourceLocation)
        let operation = OpenAPIOperation(method.rawValue, template ?? uri)
        let problems = contract.check(
            operation, status: response.status.code, contentType: response.headers[.contentType], body: Data(response.body.readableBytesView))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))", sourceLocation: sourceLocation)
        return response
    }
}

extension HTTPFields {
    func with(contentType: String) -> HTTPFields {
        var copy = self
        copy[.contentType] = contentType
        return copy
    }
}
