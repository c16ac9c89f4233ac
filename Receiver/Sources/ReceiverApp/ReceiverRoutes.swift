import Foundation
import HTTPForms
import Hummingbird
import Logging
import Models
import NIOCore
import OperationalHTTP

/// The Receiver's HTTP API. Status codes:
/// - `POST /image/post`: 202 queued, 200 duplicate (same id), 422 invalid path, 400 bad JSON,
///   413 too large, 415 not JSON, 401 missing token, 503 database unreachable.
/// - `POST /images/post`: 202 when every path was queued or a duplicate; 207 when some were rejected
///   and some accepted (per-item status in the body); 422 when all were rejected; the other codes as above.
/// - `POST /images`: an uploaded JPEG/PNG, answered like `POST /image/post`.
/// - `GET /images/{id}`: 200 with status, person, faces; 404 unknown; 400 not a number.
struct ReceiverRoutes: Sendable {
    let dependencies: ReceiverDependencies
    let registrar: ImageRegistrar
    let uploads: UploadStore

    init(dependencies: ReceiverDependencies) {
        self.dependencies = dependencies
        self.registrar = ImageRegistrar(
            store: dependencies.store, publisher: dependencies.publisher,
            logger: dependencies.logger, maxCoalescedRequests: dependencies.settings.maxCoalescedRequests,
            coalescingWindow: dependencies.settings.coalescingWindow, coalescingLanes: dependencies.settings.coalescingLanes,
            publishesInFlight: dependencies.settings.coalescedPublishesInFlight, publishes: dependencies.publishes)
        self.uploads = UploadStore(root: dependencies.imageRoot.path)
    }

    func add(to router: Router<BasicRequestContext>) {
        let writes = router.group()
        if let token = dependencies.settings.apiToken, !token.isEmpty {
            writes.add(middleware: BearerTokenMiddleware(token: token))
        }
        writes.post("/image/post") { request, _ in try await postOne(request) }
        writes.post("/images/post") { request, _ in try await postBatch(request) }
        writes.post("/images") { request, _ in try await upload(request) }
        router.get("/images/{id}") { _, context in try await details(context) }
    }

    func postOne(_ request: Request) async throws -> Response {
        try RequestBodies.requireJSONContentType(request)
        let body = try await RequestBodies.collect(request, limit: dependencies.settings.maxBodyBytes, what: "the body")
        let item = try RequestBodies.decode(Path.self, from: body)
        return try await single(item.path)
    }

    func postBatch(_ request: Request) async throws -> Response {
        try RequestBodies.requireJSONContentType(request)
        let settings = dependencies.settings
        let body = try await RequestBodies.collect(request, limit: settings.maxBodyBytes, what: "the body")
        let batch = try RequestBodies.decode(Paths.self, from: body)
        if batch.paths.isEmpty {
            throw APIError(.unprocessableContent, code: "empty_batch", "\"paths\" is empty")
        }
        if batch.paths.count > settings.maxBatchPaths {
            throw APIError(
                .contentTooLarge, code: "batch_too_large",
                "\(batch.paths.count) paths in one request; the limit is \(settings.maxBatchPaths)")
        }
        let outcomes = try await register(batch.paths.map(\.path))
        let rejected = outcomes.filter { $0.status == .rejected }.count
        let status: HTTPResponse.Status =
            rejected == 0 ? .accepted : rejected == outcomes.count ? .unprocessableContent : .multiStatus
        return json(status, BatchOutcome(results: outcomes).json)
    }

    func upload(_ request: Request) async throws -> Response {
        let limit = dependencies.settings.maxUploadBytes
        let contentType = request.headers[.contentType] ?? ""
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        var bytes: [UInt8]
        switch type {
        case "image/jpeg", "image/jpg", "image/png", "application/octet-stream":
            bytes = Array(try await RequestBodies.collect(request, limit: limit, what: "the image").readableBytesView)
        case "multipart/form-data":
            guard let boundary = MultipartForm.boundary(fromContentType: contentType) else {
                throw APIError(.badRequest, code: "bad_multipart", "multipart/form-data without a boundary")
            }
            // A little room for the part headers around the file.
            let body = try await RequestBodies.collect(request, limit: limit + 16 * 1024, what: "the upload")
            guard let file = MultipartForm.fileBody(Array(body.readableBytesView), boundary: boundary) else {
                throw APIError(.badRequest, code: "bad_multipart", "no file part (a part with a filename, or named \"image\" or \"file\")")
            }
            if file.count > limit { throw RequestBodies.tooLarge("the image", limit) }
            bytes = Array(file)
        default:
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                "upload an image/jpeg or image/png body, or multipart/form-data; got \(contentType.isEmpty ? "no content type" : contentType)")
        }
        if bytes.isEmpty { throw APIError(.badRequest, code: "empty_body", "the upload is empty") }
        guard let kind = ImageKind(sniffing: bytes) else {
            throw APIError(.unprocessableContent, code: "not_an_image", "the upload is not a JPEG or PNG image")
        }
        let path: String
        do {
            path = try await uploads.save(bytes, kind: kind)
        } catch {
            dependencies.logger.error("storing an upload failed", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, code: "internal", "storing the upload failed")
        }
        bytes = []
        return try await single(path)
    }

    func details(_ context: BasicRequestContext) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError(.badRequest, code: "bad_id", "the image id must be a positive whole number")
        }
        let found: ImageDetails?
        do {
            found = try await dependencies.store.details(of: id)
        } catch {
            throw APIError.storage(error)
        }
        guard let found else { throw APIError(.notFound, code: "not_found", "no image with id \(id)") }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(ImageDetailsResponse(found))
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func single(_ path: String) async throws -> Response {
        let outcome: PathOutcome
        do {
            outcome = try await registrar.register(path)
        } catch {
            dependencies.logger.warning("storing an image failed", metadata: ["error": "\(error)"])
            throw APIError.storage(error)
        }
        let status: HTTPResponse.Status =
            switch outcome.status {
            case .queued: .accepted
            case .duplicate: .ok
            case .rejected: .unprocessableContent
            }
        return json(status, outcome.json)
    }

    private func register(_ paths: [String]) async throws -> [PathOutcome] {
        do {
            return try await registrar.register(paths)
        } catch {
            dependencies.logger.warning("storing images failed", metadata: ["paths": "\(paths.count)", "error": "\(error)"])
            throw APIError.storage(error)
        }
    }

    private func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var buffer = ByteBuffer(string: body)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}

/// The router with the API and the operational routes.
public func buildRouter(_ dependencies: ReceiverDependencies) -> Router<BasicRequestContext> {
    let router = Router()
    OperationalRoutes.add(to: router, health: dependencies.health, registry: dependencies.registry)
    ReceiverOpenAPI.add(to: router)
    ReceiverRoutes(dependencies: dependencies).add(to: router)
    let store = dependencies.store
    dependencies.health.addReadinessCheck("database") { await store.problem() }
    return router
}

/// The Receiver application (Hummingbird's examples' shape): the router plus server settings.
public func buildApplication(
    _ dependencies: ReceiverDependencies, host: String = "0.0.0.0", port: Int = 8000
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(dependencies),
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        logger: dependencies.logger)
}
