import Hummingbird
import ImageFiles
import Logging
import PeopleLibrary

/// The HTML pages: `/`, `/images/{id}`, `/people`, `/people/{id}`, `/login`, and our stylesheet and script.
/// Every page carries the browser's CSRF token (its cookie is set on the first page) for its forms.
struct PageRoutes: Sendable {
    let store: any FrontendStore
    let renderer: PageRenderer
    let locator: ImageFileLocator
    let knownPeoplePrefix: String
    let people: (any PeopleLibrary)?
    let access: WriteAccess
    var maxUploadBytes = 16 << 20

    func add(to router: Router<some RequestContext>) {
        router.get("/") { request, context in
            await html(request, context.logger, what: "the images") { session in
                let parameters = try ListParameters(request.uri.queryParameters)
                async let page = store.images(matching: parameters.query)
                async let stats = store.stats()
                async let people = store.personNames()
                let named = try await parameters.query.personID.asyncMap { try await store.person(id: $0) } ?? nil
                var view = ImagesPageView(
                    parameters: parameters, result: try await page, stats: try await stats, people: try await people,
                    namedPerson: named)
                view.chrome = session.chrome
                return renderer.page("images", view)
            }
        }
        router.get("/images/:id") { request, context in
            await html(request, context.logger, what: "the image") { session in
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
                var view = ImagePageView(detail: detail, file: file, dimensions: dimensions)
                view.chrome = session.chrome
                if session.chrome.canWrite && detail.faces.contains(where: { $0.person == nil }) {
                    view.personNames = try await store.personNames().compactMap(\.name)
                }
                return renderer.page("image", view)
            }
        }
        router.get("/people") { request, context in
            await html(request, context.logger, what: "the people") { session in
                var view = PeoplePageView(people: try await store.people(), knownPeoplePrefix: knownPeoplePrefix)
                view.chrome = session.chrome
                view.maxUploadText = ByteText.describe(maxUploadBytes)
                if let people {
                    do {
                        let page = try await people.unnamedGroups(limit: 60, offset: 0, samplesPerGroup: 4)
                        view.show(groups: page.groups, total: page.total)
                    } catch {
                        // The known people still show when grouping fails.
                        context.logger.error("unnamed groups failed", metadata: ["error": "\(error)"])
                        view.groupsUnavailable = "The unnamed groups cannot be read right now."
                    }
                } else {
                    view.groupsUnavailable = "People management is not configured on this frontend."
                }
                return renderer.page("people", view)
            }
        }
        router.get("/people/:id") { request, context in
            await html(request, context.logger, what: "the person") { session in
                let id = try IDParameter.parse(context.parameters.get("id"), what: "person")
                guard let detail = try await store.personDetail(id: id, knownPeoplePrefix: knownPeoplePrefix) else {
                    throw RequestError.notFound("There is no person with id \(id).")
                }
                var view = PersonPageView(detail: detail, everyone: try await store.personNames())
                view.chrome = session.chrome
                return renderer.page("person", view)
            }
        }
        router.get("/login") { request, context in
            await html(request, context.logger, what: "the login page") { session in
                let next = LocalPath.safe(request.uri.queryParameters["next"].map(String.init), fallback: "/people")
                var view = LoginPageView(required: access.requiresLogin, next: next)
                view.chrome = session.chrome
                return renderer.page("login", view)
            }
        }
        router.get("/static/app.css") { _, _ in Self.asset(StaticAssets.css, type: "text/css; charset=utf-8") }
        router.get("/static/app.js") { _, _ in Self.asset(StaticAssets.javaScript, type: "text/javascript; charset=utf-8") }
    }

    /// Runs a page handler; a refusal or failure becomes the error page with its status.
    func html(
        _ request: Request, _ logger: Logger, what: String, _ body: (PageSession) async throws -> Response
    ) async -> Response {
        let session = PageSession(request, access: access)
        do {
            return session.finish(try await body(session))
        } catch {
            return session.finish(renderer.errorPage(FailureMapping.requestError(for: error, logger: logger, what: what)))
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
