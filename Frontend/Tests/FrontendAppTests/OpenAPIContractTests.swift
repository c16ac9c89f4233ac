import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import SharedTestSupport
import Testing

/// The OpenAPI document (`FrontendOpenAPI.json`, served at `/openapi.json`) is the contract: every route
/// the router registers is in it and the other way round, and every documented status of every operation
/// is produced here, in process, with a documented content type and a JSON body that matches its schema.
/// A new route fails `routesMatchDocument` naming it; a new status fails `everyStatusConforms` naming it.
@Suite("OpenAPI contract")
struct OpenAPIContractTests {
    /// Documented answers these tests do not produce yet, each with the reason. Keep it short: every
    /// entry is a promise nothing checks here (schemathesis still checks them against the running service).
    static let notDrivenHere: Set<String> = []

    /// The router's spelling of a path in OpenAPI's: `:id` is already `{id}`; `**` is the file path.
    static func documentedPath(_ routerPath: String) -> String {
        routerPath.replacingOccurrences(of: "/**", with: "/{path}")
    }

    @Test("the document is OpenAPI 3.1 with resolvable references and only checked schema keywords")
    func documentIsSound() throws {
        let contract = try OpenAPIContract(json: FrontendOpenAPI.json)
        #expect(contract.documentProblems() == [])
        #expect(contract.operations.count >= 14)
    }

    @Test("every route the router registers is documented, and every documented operation is routed")
    func routesMatchDocument() async throws {
        let seeded = try await SeededFrontend.make()
        let contract = try OpenAPIContract(json: FrontendOpenAPI.json)
        let router = try buildRouter(seeded.dependencies())
        await seeded.shutdown()
        let registered = router.routes.map { OpenAPIOperation($0.method.rawValue, Self.documentedPath($0.path.description)) }
        let problems = contract.routeProblems(registered: registered)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("every documented status of every operation is produced, with a body that matches its schema")
    func everyStatusConforms() async throws {
        let contract = try OpenAPIContract(json: FrontendOpenAPI.json)
        try await withSeededRouter { seeded, client in
            try await Self.working(ContractClient(contract: contract, client: client), seeded)
        }
        try await Self.broken(contract)
        try await PeopleContractCalls.drive(contract)
        let missing = contract.unexercised(except: Self.notDrivenHere.union(PeopleContractCalls.notDrivenHere))
        #expect(missing.isEmpty, "documented but never produced here (drive it in OpenAPIContractTests or drop it from the document): \(missing)")
    }

    static func working(_ c: ContractClient, _ seeded: SeededFrontend) async throws {
        let t1 = seeded.images["t1"]!, failed = seeded.images["failed"]!
        try await c.call(.get, "/", expect: 200)
        try await c.call(.get, "/?status=failed&person=\(seeded.people["Joey"]!)&page=1&per_page=10", as: "/", expect: 200)
        try await c.call(.get, "/?page=-1", as: "/", expect: 400)
        try await c.call(.get, "/images/\(t1)", as: "/images/{id}", expect: 200)
        try await c.call(.get, "/images/abc", as: "/images/{id}", expect: 400)
        try await c.call(.get, "/images/999999", as: "/images/{id}", expect: 404)
        try await c.call(.get, "/people", expect: 200)
        // A multipart body that does not parse is refused before any write check (found by schemathesis).
        try await c.call(
            .post, "/people", headers: [.contentType: "multipart/form-data; boundary=b"], body: "--b\r\n-1--b--\r\n", expect: 400)
        try await c.call(.get, "/static/app.css", expect: 200)
        try await c.call(.get, "/static/app.js", expect: 200)

        for method in [HTTPRequest.Method.get, .head] {
            let ok = try await c.call(method, "/files/t1.jpg", as: "/files/{path}", expect: 200)
            let tag = try #require(ok?.headers[.eTag])
            try await c.call(method, "/files/t1.jpg", as: "/files/{path}", headers: [.ifNoneMatch: tag], expect: 304)
            try await c.call(method, "/files/uploads/hanks%20one.png", as: "/files/{path}", expect: 200)
            try await c.call(method, "/files/a.gif", as: "/files/{path}", expect: 400)
            try await c.call(method, "/files/missing.jpg", as: "/files/{path}", expect: 404)
        }

        try await c.call(.get, "/api/images", expect: 200)
        try await c.call(.get, "/api/images?status=processed&person=\(seeded.people["Rachel"]!)&per_page=2", as: "/api/images", expect: 200)
        try await c.call(.get, "/api/images?per_page=0", as: "/api/images", expect: 400)
        try await c.call(.get, "/api/images/\(t1)", as: "/api/images/{id}", expect: 200)
        try await c.call(.get, "/api/images/\(failed)", as: "/api/images/{id}", expect: 200)
        try await c.call(.get, "/api/images/x", as: "/api/images/{id}", expect: 400)
        try await c.call(.get, "/api/images/999999", as: "/api/images/{id}", expect: 404)
        try await c.call(.get, "/api/people", expect: 200)
        try await c.call(.get, "/api/stats", expect: 200)
        try await c.call(.get, "/healthz", expect: 200)
        try await c.call(.get, "/readyz", expect: 200)
        try await c.call(.get, "/metrics", expect: 200)
        try await c.call(.get, "/openapi.json", expect: 200)
    }

    /// The tables gone (every read fails: 500), then the database gone (503).
    static func broken(_ contract: OpenAPIContract) async throws {
        let seeded = try await SeededFrontend.make()
        let app = try buildApplication(seeded.dependencies())
        seeded.health.markStarted()
        try await seeded.pool.execute("RENAME TABLE images TO gone_images, faces TO gone_faces, person TO gone_person")
        try await app.test(.router) { client in
            let c = ContractClient(contract: contract, client: client)
            for status in [500, 503] {
                if status == 503 { await seeded.pool.shutdown() }
                try await c.call(.get, "/", expect: status)
                try await c.call(.get, "/images/1", as: "/images/{id}", expect: status)
                try await c.call(.get, "/people", expect: status)
                try await c.call(.get, "/api/images", expect: status)
                try await c.call(.get, "/api/images/1", as: "/api/images/{id}", expect: status)
                try await c.call(.get, "/api/people", expect: status)
                try await c.call(.get, "/api/stats", expect: status)
            }
            try await c.call(.get, "/readyz", expect: 503)
        }
        await seeded.shutdown()
    }
}

/// Drives one request through the in-process router and holds its answer to the contract.
struct ContractClient {
    let contract: OpenAPIContract
    let client: any TestClientProtocol

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, as template: String? = nil, headers: HTTPFields = [:], body: String? = nil,
        expect status: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TestResponse? {
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        #expect(response.status.code == status, "\(method) \(uri): \(response.text.prefix(300))", sourceLocation: sourceLocation)
        let problems = contract.check(
            OpenAPIOperation(method.rawValue, template ?? uri), status: response.status.code,
            contentType: response.headers[.contentType], body: Data(response.body.readableBytesView))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))", sourceLocation: sourceLocation)
        return response
    }
}
