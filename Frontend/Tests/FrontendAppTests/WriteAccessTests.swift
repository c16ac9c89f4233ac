import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import MySQL
import Testing

/// Who may write: the API token (bearer or login cookie), same-origin checks, CSRF tokens on forms,
/// JSON-only API bodies.
@Suite("write access: token, login, CSRF, origin")
struct WriteAccessTests {
    static let token = "s3cret-token"

    @Test("with a token configured, API writes need the bearer token; reads stay open")
    func bearerToken() async throws {
        try await withWritableRouter(token: Self.token) { seeded, client in
            let ross = seeded.people["Ross"]!
            let anonymous = try await client.sendJSON(.patch, "/api/people/\(ross)", #"{"name":"Ross Geller"}"#)
            #expect(anonymous.status == .unauthorized)
            #expect(try anonymous.json()["error"] as? String == "this frontend needs the API token for changes: send Authorization: Bearer <token>")
            let wrong = try await client.sendJSON(.patch, "/api/people/\(ross)", #"{"name":"Ross Geller"}"#, headers: [.authorization: "Bearer nope"])
            #expect(wrong.status == .unauthorized)
            #expect(try await seeded.name(of: ross) == "Ross")

            let allowed = try await client.sendJSON(
                .patch, "/api/people/\(ross)", #"{"name":"Ross Geller"}"#, headers: [.authorization: "Bearer \(Self.token)"])
            #expect(allowed.status == .ok, "\(allowed.text)")
            #expect(try allowed.json()["name"] as? String == "Ross Geller")
            #expect(try await seeded.name(of: ross) == "Ross Geller")

            #expect(try await client.get("/api/people").status == .ok)
            #expect(try await client.get("/people").status == .ok)
        }
    }

    @Test("the JSON API takes application/json only and refuses other sites")
    func jsonOnlySameOrigin() async throws {
        try await withWritableRouter { seeded, client in
            let ross = seeded.people["Ross"]!
            let form = try await client.execute(
                uri: "/api/people/\(ross)", method: .patch, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "name=Evil"))
            #expect(form.status == .unsupportedMediaType)
            #expect(try form.json()["error"] as? String != nil)
            let crossSite = try await client.sendJSON(
                .patch, "/api/people/\(ross)", #"{"name":"Evil"}"#, headers: [.origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            #expect((try crossSite.json()["error"] as? String)?.contains("cross-site") == true)
            let badJSON = try await client.sendJSON(.patch, "/api/people/\(ross)", #"{"name":"#)
            #expect(badJSON.status == .badRequest)
            #expect(try badJSON.json()["error"] as? String == #"the body must be a JSON object like {"name": "Ada Lovelace"}"#)
            #expect(try await seeded.name(of: ross) == "Ross")
        }
    }

    @Test("forms need the page's CSRF token and the same origin")
    func csrf() async throws {
        try await withWritableRouter { seeded, client in
            let ross = seeded.people["Ross"]!
            var browser = BrowserState()
            let page = try await browser.get(client, "/people/\(ross)")
            #expect(page.status == .ok)
            let cookie = try #require(browser.cookies["fp_csrf"], "the first page sets the CSRF cookie")
            #expect(page.headers[values: .setCookie].first { $0.hasPrefix("fp_csrf=") }?.contains("SameSite=Strict") == true)
            #expect(page.headers[values: .setCookie].first { $0.hasPrefix("fp_csrf=") }?.contains("HttpOnly") == true)
            #expect(browser.csrfToken != nil && browser.csrfToken != cookie, "the form token is signed, not the cookie itself")

            let missing = try await browser.post(client, "/people/\(ross)/rename", ["name": "X"], csrf: false)
            #expect(missing.status == .forbidden)
            #expect(missing.text.contains("the form has expired or did not come from this site"))
            var forged = browser
            forged.csrfToken = String(repeating: "0", count: 64)
            #expect(try await forged.post(client, "/people/\(ross)/rename", ["name": "X"]).status == .forbidden)
            let crossSite = try await browser.post(client, "/people/\(ross)/rename", ["name": "X"], origin: "http://evil.example")
            #expect(crossSite.status == .forbidden)
            #expect(try await seeded.name(of: ross) == "Ross")

            let renamed = try await browser.post(client, "/people/\(ross)/rename", ["name": "Ross Geller"])
            #expect(renamed.status == .seeOther)
            #expect(renamed.headers[.location] == "/people/\(ross)")
            #expect(browser.flash == "o:Renamed to Ross Geller.")
            #expect(try await seeded.name(of: ross) == "Ross Geller")
            let shown = try await browser.get(client, "/people/\(ross)")
            #expect(shown.text.contains(#"<p class="flash ok" role="status">Renamed to Ross Geller.</p>"#))
            #expect(browser.flash == nil, "a message shows once")
        }
    }

    @Test("with a token, forms need a login; /login trades the token for a cookie")
    func login() async throws {
        try await withWritableRouter(token: Self.token) { seeded, client in
            let ross = seeded.people["Ross"]!
            var browser = BrowserState()
            let page = try await browser.get(client, "/people/\(ross)")
            #expect(page.text.contains(#"<a class="login" href="/login">Log in to edit</a>"#))
            #expect(!page.text.contains(#"action="/people/\#(ross)/rename""#), "no write forms before logging in")
            _ = try await browser.get(client, "/login")
            let refused = try await browser.post(client, "/people/\(ross)/rename", ["name": "X"])
            #expect(refused.status == .seeOther)
            #expect(refused.headers[.location] == "/login")

            let wrong = try await browser.post(client, "/login", ["token": "guess", "next": "/people"])
            #expect(wrong.headers[.location] == "/login")
            #expect(browser.flash == "e:Wrong token.")
            #expect(browser.cookies["fp_session"] == nil)
            let offsite = try await browser.post(client, "/login", ["token": Self.token, "next": "//evil.example/"])
            #expect(offsite.headers[.location] == "/people", "only local paths are followed")
            let session = try #require(browser.cookies["fp_session"])
            #expect(offsite.headers[values: .setCookie].first { $0.hasPrefix("fp_session=") }?.contains("SameSite=Strict") == true)

            _ = try await browser.get(client, "/people/\(ross)")
            let renamed = try await browser.post(client, "/people/\(ross)/rename", ["name": "Ross G."])
            #expect(renamed.status == .seeOther)
            #expect(try await seeded.name(of: ross) == "Ross G.")

            // The login cookie works for the API too, but a tampered one does not.
            let api = try await client.sendJSON(.patch, "/api/people/\(ross)", #"{"name":"Ross"}"#, headers: [.cookie: "fp_session=\(session)"])
            #expect(api.status == .ok)
            let tampered = try await client.sendJSON(
                .patch, "/api/people/\(ross)", #"{"name":"Evil"}"#, headers: [.cookie: "fp_session=9999999999.\(session.split(separator: ".")[1])"])
            #expect(tampered.status == .unauthorized)

            _ = try await browser.get(client, "/people")
            let out = try await browser.post(client, "/logout", [:])
            #expect(out.status == .seeOther)
            #expect(browser.cookies["fp_session"] == nil)
        }
    }
}

extension SeededFrontend {
    func name(of person: Int64) async throws -> String? {
        try await pool.query("SELECT name FROM person WHERE id = ?", [.int(person)]).first?.decode("name")
    }
}
