import Crypto
import Foundation

/// Signs and checks the frontend's two cookies without server-side state, so any replica can check what
/// another issued: the CSRF token bound to a random cookie (signed double submit) and the login session.
/// The key comes from `--session-secret`, else from the API token, else it is random per process (forms
/// then need a reload after a restart; fine for one replica).
public struct CookieSigner: Sendable {
    let key: SymmetricKey

    public init(secret: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data("face-pipeline frontend cookies\n\(secret)".utf8)))
    }

    /// A signer with a random key.
    public static func random() -> CookieSigner {
        CookieSigner(secret: randomToken())
    }

    /// 32 hex digits from the system's cryptographic generator.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// The token a form must carry for the browser holding CSRF cookie `cookie`.
    public func csrfToken(forCookie cookie: String) -> String {
        mac("csrf:" + cookie)
    }

    public func isValidCSRF(token: String, cookie: String) -> Bool {
        !cookie.isEmpty && Self.constantTimeEquals(token, csrfToken(forCookie: cookie))
    }

    /// A login session cookie value valid until `expiry` (Unix seconds).
    public func session(expiring expiry: Int) -> String {
        "\(expiry).\(mac("session:\(expiry)"))"
    }

    public func isValidSession(_ value: String, now: Date = Date()) -> Bool {
        let parts = value.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let expiry = Int(parts[0]), Double(expiry) > now.timeIntervalSince1970 else { return false }
        return Self.constantTimeEquals(parts[1], mac("session:\(expiry)"))
    }

    func mac(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares secrets without stopping at the first difference.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
