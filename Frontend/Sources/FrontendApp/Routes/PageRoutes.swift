import Hummingbird
import ImageFiles
import Logging

/// The HTML pages: `/`, `/images/{id}`, `/people`, and our stylesheet and script.
struct PageRoutes: Sendable {
    let store: any FrontendStore
    let renderer: PageRenderer
    let locator: ImageFileLocator
    let knownPeoplePrefix: String

    func add(to router: Router<some RequestContext>) {
        router.get("/") { request, context in
            await html(context.logger, what: "the images") {
                let parameters = try ListParameters(request.uri.queryParameters)
                async let page = store.images(matching: parameters.query)
                async let stats = store.stats()
                async let people = store.personNames()
                let named = try await parameters.query.personID.asyncMap { try await store.person(id: $0) } ?? nil
                let view = ImagesPageView(
                    parameters: parameters, result: try await page, stats: try await stats, people: try await people,
                    namedPerson: named)
                return renderer.page("images", view)
            }
        }
        router.get("/images/:id") { _, context in
            await html(context.logger, what: "the image") {
                let id = try IDParameter.parse(context.parameters.get("id"), what: "image")
                var logger = context.logger
                logger[metadataKey: "image_id"] = "\(id)"
                guard let detail = try await store.image(id: id) else {
                    throw RequestError.notFound("There is no image with id \(id).")
                }
                let file = await locator.locate(detail.image.path)
                var dimensions: ImageDimensions?
                if case .success(let located) = file {
                    dimensions = await locator.dimensions(of: located)
                } else if case .failure(let error) = file {
                    logger.info("photo not servable", metadata: ["path": "\(detail.image.path)", "reason": "\(error)"])
                }
                return renderer.page("image", ImagePageView(detail: detail, file: file, dimensions: dimensions))
            }
        }
        router.get("/people") { _, context in
            await html(context.logger, what: "the people") {
                let people = try await store.people()
                return renderer.page("people", PeoplePageView(people: people, knownPeoplePrefix: knownPeoplePrefix))
            }
        }
        router.get("/static/app.css") { _, _ in Self.asset(StaticAssets.css, type: "text/css; charset=utf-8") }
        router.get("/static/app.js") { _, _ in Self.asset(StaticAssets.javaScript, type: "text/javascript; charset=utf-8") }
    }

    /// Runs a page handler; a refusal or failure becomes the error page with its status.
    func html(_ logger: Logger, what: String, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return renderer.errorPage(FailureMapping.requestError(for: error, logger: logger, what: what))
        }
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
