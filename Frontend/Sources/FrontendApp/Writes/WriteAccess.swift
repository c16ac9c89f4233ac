import Foundation
import Hummingbird

/// Who may change things, and how a change proves it came from our own pages.
///
/// - With an API token configured, a write needs `Authorization: Bearer <token>` or the login cookie that
///   `POST /login` sets; without one, writes are open (reads always are).
/// - Every write from a browser must be same-origin (`Origin`, else `Referer`, must name our host);
///   clients that send neither (curl, scripts) are not browsers and pass this check.
/// - HTML forms also carry a CSRF token bound to the `fp_csrf` cookie (signed double submit).
public struct WriteAccess: Sendable {
    public static let csrfCookie = "fp_csrf"
    public static let sessionCookie = "fp_session"
    public static let csrfField = "csrf_token"
    /// How long a login lasts.
    public static let sessionSeconds = 12 * 3600

    public var apiToken: String?
    public var signer: CookieSigner

    public init(apiToken: String?, signer: CookieSigner) {
        self.apiToken = apiToken.flatMap { $0.isEmpty ? nil : $0 }
        self.signer = signer
    }

    /// Writes open to anyone (no token configured).
    public static func open() -> WriteAccess { WriteAccess(apiToken: nil, signer: .random()) }

    public var requiresLogin: Bool { apiToken != nil }

    /// Whether the request may write: no token configured, the bearer token, or a valid login cookie.
    public func isAuthorized(_ request: Request) -> Bool {
        guard let apiToken else { return true }
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return CookieSigner.constantTimeEquals(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), apiToken)
        }
        if let session = request.cookies[Self.sessionCookie]?.value {
            return signer.isValidSession(session)
        }
        return false
    }

    /// Refuses a browser request coming from another site.
    public func checkSameOrigin(_ request: Request) throws(RequestError) {
        // HTTP/1 Host arrives as the authority.
        let host = (request.head.authority ?? "").lowercased()
        if let origin = request.headers[.origin] {
            guard origin != "null", Self.authority(of: origin) == host, !host.isEmpty else {
                throw RequestError(.forbidden, "cross-site request refused: Origin \(origin) is not this site")
            }
            return
        }
        if let referer = request.headers[.referer] {
            guard Self.authority(of: referer) == host, !host.isEmpty else {
                throw RequestError(.forbidden, "cross-site request refused: the Referer is not this site")
            }
        }
    }

    /// The checks for a JSON API write (`Content-Type` is checked by the route, which knows what it takes).
    public func checkAPIWrite(_ request: Request) throws(RequestError) {
        try checkSameOrigin(request)
        guard isAuthorized(request) else {
            throw RequestError(.unauthorized, "this frontend needs the API token for changes: send Authorization: Bearer <token>")
        }
    }

    /// The checks for an HTML form post; `token` is the form's CSRF field.
    public func checkFormWrite(_ request: Request, token: String?) throws(RequestError) {
        try checkSameOrigin(request)
        let cookie = request.cookies[Self.csrfCookie]?.value ?? ""
        guard let token, signer.isValidCSRF(token: token, cookie: cookie) else {
            throw RequestError(.forbidden, "the form has expired or did not come from this site: reload the page and try again")
        }
        guard isAuthorized(request) else {
            throw RequestError(.unauthorized, "log in first: changes need the API token")
        }
    }

    /// `host[:port]` of a URL, lowercased.
    static func authority(of url: String) -> String? {
        guard let components = URLComponents(string: url), let host = components.host else { return nil }
        return (components.port.map { "\(host):\($0)" } ?? host).lowercased()
    }

    /// The login cookie for a correct token.
    func sessionCookie(now: Date = Date()) -> Cookie {
        Cookie(
            name: Self.sessionCookie, value: signer.session(expiring: Int(now.timeIntervalSince1970) + Self.sessionSeconds),
            maxAge: Self.sessionSeconds, path: "/", httpOnly: true, sameSite: .strict)
    }

    static func expiredCookie(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict)
    }
}
