import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ReceiverApp

/// Every kind of bad input gets its own status code, and the service keeps serving afterwards.
@Suite("Receiver bad input")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var uri: String
        var contentType: String?
        var body: String
        var status: HTTPResponse.Status
        var code: String?
        var testDescription: String { name }
    }

    static let longPath = String(repeating: "a", count: 252) + ".jpg"  // 256 bytes
    static let manyPaths = "{\"paths\":[" + (0..<11).map { "{\"path\":\"b\($0).jpg\"}" }.joined(separator: ",") + "]}"
    static let bigBody = "{\"path\":\"" + String(repeating: "x", count: 5000) + ".jpg\"}"

    static let cases: [Case] = [
        Case(name: "malformed JSON", uri: "/image/post", contentType: "application/json", body: "{\"path\":", status: .badRequest, code: "bad_json"),
        Case(name: "not an object", uri: "/image/post", contentType: "application/json", body: "[1,2]", status: .badRequest, code: "bad_json"),
        Case(name: "empty body", uri: "/image/post", contentType: "application/json", body: "", status: .badRequest, code: "bad_json"),
        Case(name: "missing field", uri: "/image/post", contentType: "application/json", body: "{}", status: .badRequest, code: "bad_json"),
        Case(name: "wrong type", uri: "/image/post", contentType: "application/json", body: "{\"path\":42}", status: .badRequest, code: "bad_json"),
        Case(name: "unknown field", uri: "/image/post", contentType: "application/json", body: "{\"path\":\"a.jpg\",\"pth\":1}", status: .badRequest, code: "unknown_field"),
        Case(name: "unknown field in batch item", uri: "/images/post", contentType: "application/json", body: "{\"paths\":[{\"path\":\"a.jpg\",\"x\":1}]}", status: .badRequest, code: "unknown_field"),
        Case(name: "batch missing field", uri: "/images/post", contentType: "application/json", body: "{\"path\":\"a.jpg\"}", status: .badRequest, code: "unknown_field"),
        Case(name: "wrong content type", uri: "/image/post", contentType: "application/xml", body: "<path>a.jpg</path>", status: .unsupportedMediaType, code: "unsupported_media_type"),
        Case(name: "wrong content type (batch)", uri: "/images/post", contentType: "multipart/form-data; boundary=x", body: "--x--", status: .unsupportedMediaType, code: "unsupported_media_type"),
        Case(name: "body too large", uri: "/image/post", contentType: "application/json", body: bigBody, status: .contentTooLarge, code: "too_large"),
        Case(name: "batch too large", uri: "/images/post", contentType: "application/json", body: manyPaths, status: .contentTooLarge, code: "batch_too_large"),
        Case(name: "empty batch", uri: "/images/post", contentType: "application/json", body: "{\"paths\":[]}", status: .unprocessableContent, code: "empty_batch"),
        Case(name: "parent traversal", uri: "/image/post", contentType: "application/json", body: "{\"path\":\"../etc/x.jpg\"}", status: .unprocessableContent, code: "parent_traversal"),
        Case(name: "absolute", uri: "/image/post", contentType: "application/json", body: "{\"path\":\"/etc/x.jpg\"}", status: .unprocessableContent, code: "absolute"),
        Case(name: "NUL byte", uri: "/image/post", contentType: "application/json", body: "{\"path\":\"a\\u0000.jpg\"}", status: .unprocessableContent, code: "nul_byte"),
        Case(name: "longer than 255 bytes", uri: "/image/post", contentType: "application/json", body: "{\"path\":\"\(longPath)\"}", status: .unprocessableContent, code: "too_long"),
        Case(name: "bad extension", uri: "/image/post", contentType: "application/json", body: "{\"path\":\"a.gif\"}", status: .unprocessableContent, code: "unsupported_extension"),
        Case(name: "empty path", uri: "/image/post", contentType: "application/json", body: "{\"path\":\"\"}", status: .unprocessableContent, code: "empty"),
        Case(name: "every batch path invalid", uri: "/images/post", contentType: "application/json", body: "{\"paths\":[{\"path\":\"../a.jpg\"},{\"path\":\"\"}]}", status: .unprocessableContent, code: nil),
        Case(name: "upload wrong content type", uri: "/images", contentType: "text/plain", body: "hello", status: .unsupportedMediaType, code: "unsupported_media_type"),
        Case(name: "upload not an image", uri: "/images", contentType: "image/jpeg", body: "GIF89a....", status: .unprocessableContent, code: "not_an_image"),
        Case(name: "upload empty", uri: "/images", contentType: "image/png", body: "", status: .badRequest, code: "empty_body"),
        Case(name: "image id not a number", uri: "/images/abc", contentType: nil, body: "", status: .badRequest, code: "bad_id"),
    ]

    @Test("bad input gets its status code and the service keeps serving", arguments: cases)
    func badInput(_ item: Case) async throws {
        let harness = try await ReceiverHarness.make(settings: ReceiverSettings(maxBodyBytes: 4096, maxBatchPaths: 10))
        defer { Task { await harness.close() } }
        try await harness.app().test(.router) { client in
            var headers: HTTPFields = [:]
            if let type = item.contentType { headers[.contentType] = type }
            let method: HTTPRequest.Method = item.uri.hasPrefix("/images/abc") ? .get : .post
            try await client.execute(uri: item.uri, method: method, headers: headers, body: jsonBody(item.body)) { response in
                #expect(response.status == item.status, "\(item.name): \(response.text)")
                if let code = item.code {
                    #expect(response.json["code"] as? String == code, "\(item.name): \(response.text)")
                }
                #expect(response.headers[.contentType] == "application/json")
            }
            // Still serving, and the bad request stored nothing.
            try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: jsonBody("{\"path\":\"ok.jpg\"}")) { response in
                #expect(response.status == .accepted)
            }
        }
        #expect(try await harness.count("SELECT COUNT(*) FROM images") == 1)
    }

    @Test("a batch with some invalid paths stores the valid ones and reports 207")
    func partialBatch() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        try await harness.app().test(.router) { client in
            let body = "{\"paths\":[{\"path\":\"a.jpg\"},{\"path\":\"../b.jpg\"},{\"path\":\"c.png\"}]}"
            try await client.execute(uri: "/images/post", method: .post, headers: jsonHeaders, body: jsonBody(body)) { response in
                #expect(response.status == .multiStatus)
                let results = response.json["results"] as? [[String: Any]] ?? []
                #expect(results.map { $0["status"] as? String } == ["queued", "rejected", "queued"])
                #expect(results[1]["code"] as? String == "parent_traversal")
                #expect(results[1]["reason"] as? String != nil)
                #expect(response.json["rejected"] as? Int == 1)
            }
        }
        #expect(try await harness.count("SELECT COUNT(*) FROM images") == 2)
    }

    @Test("the seed's curl (no JSON content type) is accepted")
    func curlDefaultContentType() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        try await harness.app().test(.router) { client in
            try await client.execute(
                uri: "/image/post", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: jsonBody("{\"path\":\"unknown_people/x.jpg\"}")
            ) { response in
                #expect(response.status == .accepted)
            }
        }
    }

    @Test("database unreachable is 503, and readiness says so")
    func databaseDown() async throws {
        let live = try await ReceiverHarness.make()
        defer { Task { await live.close() } }
        let port = try SharedTestSupport.freeLoopbackPort()
        let deadPool = MySQLPool(
            configuration: MySQLConfiguration(host: "127.0.0.1", port: port, database: "none", username: "x", poolSize: 2, connectTimeoutSeconds: 1))
        defer { Task { await deadPool.shutdown() } }
        var dependencies = live.dependencies
        dependencies.store = MySQLImageStore(pool: deadPool)
        dependencies.health = HealthState()
        dependencies.health.markStarted()
        let harness = ReceiverHarness(pool: live.pool, root: live.root, publisher: live.publisher, health: dependencies.health, dependencies: dependencies)
        try await harness.app().test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: jsonBody("{\"path\":\"a.jpg\"}")) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] != nil)
                }
            }
            try await client.execute(uri: "/images/post", method: .post, headers: jsonHeaders, body: jsonBody("{\"paths\":[{\"path\":\"a.jpg\"}]}")) { response in
                #expect(response.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/images/1", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.text.contains("database"))
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("with an API token, writes need it (401) and reads do not")
    func bearerToken() async throws {
        let harness = try await ReceiverHarness.make(settings: ReceiverSettings(apiToken: "s3cret-token"))
        defer { Task { await harness.close() } }
        try await harness.app().test(.router) { client in
            let body = jsonBody("{\"path\":\"a.jpg\"}")
            for authorization in [nil, "Bearer wrong", "Bearer s3cret-toke", "Bearer s3cret-tokenX", "Basic s3cret-token", "Bearer "] {
                var headers = jsonHeaders
                if let authorization { headers[.authorization] = authorization }
                try await client.execute(uri: "/image/post", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .unauthorized, "\(authorization ?? "none")")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
                try await client.execute(uri: "/images/post", method: .post, headers: headers, body: jsonBody("{\"paths\":[{\"path\":\"a.jpg\"}]}")) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/images", method: .post, headers: [.contentType: "image/png"]) { response in
                    #expect(response.status == .unauthorized)
                }
            }
            var headers = jsonHeaders
            headers[.authorization] = "Bearer s3cret-token"
            try await client.execute(uri: "/image/post", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .accepted)
            }
            try await client.execute(uri: "/images/1", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(try await harness.count("SELECT COUNT(*) FROM images") == 1)
    }

    @Test("constant-time token comparison is still a correct comparison")
    func tokenCompare() {
        typealias M = BearerTokenMiddleware<BasicRequestContext>
        #expect(M.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!M.constantTimeEquals(Array("abd".utf8), Array("abc".utf8)))
        #expect(!M.constantTimeEquals(Array("ab".utf8), Array("abc".utf8)))
        #expect(!M.constantTimeEquals(Array("abcd".utf8), Array("abc".utf8)))
        #expect(!M.constantTimeEquals([], Array("abc".utf8)))
    }
}

import MySQL
import Observability
import SharedTestSupport
