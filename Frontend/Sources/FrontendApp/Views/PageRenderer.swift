import Foundation
import Hummingbird
import Mustache

/// Renders the HTML pages from the embedded mustache templates. Templates are compiled once; a template
/// that does not parse is a programming error caught by the first test that builds a router.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary

    public init() throws {
        var library = MustacheLibrary()
        try library.register(LayoutTemplates.header, named: "header")
        try library.register(LayoutTemplates.footer, named: "footer")
        try library.register(ImagesTemplate.text, named: "images")
        try library.register(ImageTemplate.text, named: "image")
        try library.register(PeopleTemplate.text, named: "people")
        try library.register(PersonTemplate.text, named: "person")
        try library.register(LoginTemplate.text, named: "login")
        try library.register(ErrorTemplate.text, named: "error")
        self.library = library
    }

    func render(_ template: String, _ view: Any) -> String {
        library.render(view, withTemplate: template) ?? "template \(template) is missing"
    }

    func page(_ template: String, _ view: Any, status: HTTPResponse.Status = .ok) -> Response {
        HTMLResponse.make(render(template, view), status: status)
    }

    func errorPage(_ error: RequestError) -> Response {
        let view = ErrorPageView(
            pageTitle: error.status.reasonPhrase, statusCode: error.status.code, statusText: error.status.reasonPhrase,
            message: error.message)
        return page("error", view, status: error.status)
    }
}

/// HTML responses with the headers every page carries: our own scripts and styles only.
enum HTMLResponse {
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

    static func make(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: contentSecurityPolicy, .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
