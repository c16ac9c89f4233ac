import Foundation
import Hummingbird

/// What a page needs to show write forms: the CSRF token for this browser (the cookie is issued on the
/// first page), whether the visitor may write, and the one-shot message left by the last form post.
struct PageSession: Sendable {
    static let flashCookie = "fp_flash"

    var csrfCookie: String
    var issuesCookie: Bool
    var chrome: PageChrome

    init(_ request: Request, access: WriteAccess) {
        if let existing = request.cookies[WriteAccess.csrfCookie]?.value, Self.isToken(existing) {
            csrfCookie = existing
            issuesCookie = false
        } else {
            csrfCookie = CookieSigner.randomToken()
            issuesCookie = true
        }
        let flash = request.cookies[Self.flashCookie].flatMap { Flash(cookieValue: $0.value) }
        let authorized = access.isAuthorized(request)
        chrome = PageChrome(
            csrfToken: access.signer.csrfToken(forCookie: csrfCookie), canWrite: authorized,
            loginNeeded: !authorized, loggedIn: access.requiresLogin && authorized,
            flashOK: flash?.isError == false ? flash?.text : nil, flashError: flash?.isError == true ? flash?.text : nil)
    }

    /// Sets the CSRF cookie when it is new and clears a shown flash message.
    func finish(_ response: Response) -> Response {
        var response = response
        if issuesCookie {
            response.setCookie(Cookie(name: WriteAccess.csrfCookie, value: csrfCookie, path: "/", httpOnly: true, sameSite: .strict))
        }
        if chrome.flashOK != nil || chrome.flashError != nil {
            response.setCookie(WriteAccess.expiredCookie(Self.flashCookie))
        }
        return response
    }

    static func isToken(_ value: String) -> Bool {
        value.count == 32 && value.allSatisfy(\.isHexDigit)
    }
}

/// Write-related parts every page template can show (`{{#chrome}}…{{/chrome}}`).
struct PageChrome: Sendable {
    var csrfToken: String
    var canWrite: Bool
    var loginNeeded: Bool
    var loggedIn: Bool
    var flashOK: String?
    var flashError: String?
}

/// A message for the page after a redirect, carried in a short-lived cookie.
struct Flash: Sendable, Equatable {
    var isError: Bool
    var text: String

    init(error: Bool, _ text: String) {
        isError = error
        // Cookies hold about 4 KB; messages are short anyway.
        self.text = text.count > 900 ? String(text.prefix(900)) + "…" : text
    }

    init?(cookieValue: String) {
        guard let decoded = cookieValue.removingPercentEncoding, decoded.count > 2 else { return nil }
        switch decoded.prefix(2) {
        case "o:": self.init(error: false, String(decoded.dropFirst(2)))
        case "e:": self.init(error: true, String(decoded.dropFirst(2)))
        default: return nil
        }
    }

    var cookie: Cookie {
        let value = ((isError ? "e:" : "o:") + text).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Cookie(name: PageSession.flashCookie, value: value, maxAge: 60, path: "/", httpOnly: true, sameSite: .strict)
    }

    /// A 303 to `location` that shows this message there.
    func redirect(to location: String) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        response.setCookie(cookie)
        return response
    }
}
