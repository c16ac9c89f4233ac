import Hummingbird
import Logging

/// `/api/images`, `/api/images/{id}`, `/api/people`, `/api/stats`.
struct APIRoutes: Sendable {
    let store: any FrontendStore
    let locator: ImageFileLocator
    let knownPeoplePrefix: String

    func add(to router: Router<some RequestContext>) {
        router.get("/api/images") { request, context in
            await json(context.logger, what: "the images") {
                let parameters = try ListParameters(request.uri.queryParameters)
                let query = parameters.query
                let page = try await store.images(matching: query)
                return JSONResponse.make(
                    APIModels.ImageList(
                        images: page.images.map(APIModels.ImageItem.init), page: query.page, perPage: query.perPage,
                        pages: max(1, (page.total + query.perPage - 1) / query.perPage), total: page.total,
                        filter: .init(status: query.status?.description, person: query.personID)))
            }
        }
        router.get("/api/images/:id") { _, context in
            await json(context.logger, what: "the image") {
                let id = try IDParameter.parse(context.parameters.get("id"), what: "image")
                guard let detail = try await store.image(id: id) else {
                    throw RequestError.notFound("there is no image with id \(id)")
                }
                var dimensions: ImageDimensions?
                if case .success(let file) = await locator.locate(detail.image.path) {
                    dimensions = await locator.dimensions(of: file)
                }
                let faces = detail.faces.map {
                    APIModels.FaceItem(id: $0.id, faceIndex: $0.faceIndex, box: $0.box, person: $0.person, distance: $0.distance)
                }
                return JSONResponse.make(
                    APIModels.ImageDetail(
                        image: .init(detail.image), faces: faces, width: dimensions?.width, height: dimensions?.height))
            }
        }
        router.get("/api/people") { _, context in
            await json(context.logger, what: "the people") {
                let people = try await store.people().map { person in
                    APIModels.PersonItem(
                        id: person.id, name: person.name, imageCount: person.imageCount, imagesUrl: "/?person=\(person.id)",
                        face: person.galleryFace.map {
                            APIModels.GalleryItem(
                                imageName: $0.imageName,
                                fileUrl: URLPath.file($0.photoPath(knownPeoplePrefix: knownPeoplePrefix)), box: $0.box)
                        })
                }
                return JSONResponse.make(APIModels.People(people: people))
            }
        }
        router.get("/api/stats") { _, context in
            await json(context.logger, what: "the statistics") {
                JSONResponse.make(APIModels.Stats(try await store.stats()))
            }
        }
    }

    func json(_ logger: Logger, what: String, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return JSONResponse.error(FailureMapping.requestError(for: error, logger: logger, what: what))
        }
    }
}
