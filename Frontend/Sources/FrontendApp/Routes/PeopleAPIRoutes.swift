import Hummingbird
import Logging
import Models
import PeopleLibrary

/// The JSON API for people management: name faces and groups, enroll by upload, rename, merge, remove a
/// face, delete; plus the unnamed groups and name suggestions. Writes need `WriteAccess`; every answer is
/// JSON, errors `{"error": "..."}` with their status.
struct PeopleAPIRoutes: Sendable {
    let writes: PeopleWrites

    /// `{"person_id": 3}` or `{"name": "Ada"}` (keys arrive snake_case).
    struct NameBody: Decodable {
        var personId: Int64?
        var name: String?
    }

    struct RenameBody: Decodable {
        var name: String?
    }

    struct MergeBody: Decodable {
        var into: Int64?
    }

    func add(to router: Router<some RequestContext>) {
        router.get("/api/people/suggest") { request, context in
            await json(context.logger, what: "the suggestions") {
                let prefix = request.uri.queryParameters["q"].map(String.init) ?? ""
                let limit = try Self.limit(request.uri.queryParameters["limit"].map(String.init), default: 10, max: 50)
                let people = try await writes.library().suggestPeople(prefix: prefix, limit: limit)
                return JSONResponse.make(APIModels.Suggestions(people: people.map { .init(id: $0.id, name: $0.name) }))
            }
        }
        router.get("/api/groups") { request, context in
            await json(context.logger, what: "the unnamed groups") {
                let limit = try Self.limit(request.uri.queryParameters["limit"].map(String.init), default: 50, max: 200)
                let offset = try Self.limit(request.uri.queryParameters["offset"].map(String.init), default: 0, max: 1_000_000, min: 0)
                let page = try await writes.library().unnamedGroups(limit: limit, offset: offset, samplesPerGroup: 6)
                return JSONResponse.make(
                    APIModels.Groups(groups: page.groups.map(APIModels.GroupItem.init), total: page.total, limit: limit, offset: offset))
            }
        }
        router.post("/api/faces/:id/name") { request, context in
            await write(request, context, what: "the face") {
                let id = try IDParameter.parse(context.parameters.get("id"), what: "face")
                let choice = try await Self.personChoice(request)
                let outcome = try await writes.library().nameFace(faceID: id, as: choice)
                context.logger.info("face named", metadata: ["face_id": "\(id)", "person_id": "\(outcome.personID)"])
                return JSONResponse.make(outcome)
            }
        }
        router.post("/api/groups/:id/name") { request, context in
            await write(request, context, what: "the group") {
                let id = try IDParameter.parse(context.parameters.get("id"), what: "group")
                let choice = try await Self.personChoice(request)
                let outcome = try await writes.library().nameGroup(groupID: id, as: choice)
                context.logger.info("group named", metadata: ["group_id": "\(id)", "person_id": "\(outcome.personID)"])
                return JSONResponse.make(outcome)
            }
        }
        router.post("/api/people") { request, context in
            await write(request, context, what: "the upload") {
                let enroller = try writes.faceEnroller()
                let upload = try await EnrollmentUpload.read(request, maxBytes: writes.maxUploadBytes)
                let report = try await upload.enroll(with: enroller, logger: context.logger)
                return JSONResponse.make(APIModels.Enrollment(report), status: report.status)
            }
        }
        router.patch("/api/people/:id") { request, context in
            await write(request, context, what: "the person") {
                let id = try IDParameter.parse(context.parameters.get("id"), what: "person")
                let body = try await JSONBody.decode(RenameBody.self, from: request, example: #"{"name": "Ada Lovelace"}"#)
                let name = try PeopleWrites.validName(body.name)
                try await writes.library().renamePerson(id: id, to: name)
                return JSONResponse.make(PersonRef(id: id, name: name))
            }
        }
        router.post("/api/people/:id/merge") { request, context in
            await write(request, context, what: "the merge") {
                let id = try IDParameter.parse(context.parameters.get("id"), what: "person")
                let body = try await JSONBody.decode(MergeBody.self, from: request, example: #"{"into": 3}"#)
                guard let into = body.into, into > 0 else { throw RequestError.badRequest("into: the id of the person to merge into") }
                let outcome = try await writes.library().mergePerson(id: id, into: into)
                context.logger.info("people merged", metadata: ["person_id": "\(id)", "into": "\(into)"])
                return JSONResponse.make(outcome)
            }
        }
        router.delete("/api/people/:id/faces/:face") { request, context in
            await write(request, context, what: "the face") {
                let id = try IDParameter.parse(context.parameters.get("id"), what: "person")
                let face = try IDParameter.parse(context.parameters.get("face"), what: "face")
                try await writes.library().removeFace(faceID: face, fromPerson: id)
                return JSONResponse.make(APIModels.FaceRemoved(personId: id, faceId: face))
            }
        }
        router.delete("/api/people/:id") { request, context in
            await write(request, context, what: "the person") {
                let id = try IDParameter.parse(context.parameters.get("id"), what: "person")
                let unknown = try await writes.library().deletePerson(id: id)
                context.logger.info("person deleted", metadata: ["person_id": "\(id)", "faces_unknown": "\(unknown)"])
                return JSONResponse.make(APIModels.PersonDeleted(id: id, facesUnknown: unknown))
            }
        }
    }

    /// The person a naming request means: `{"name": ...}` (created if new) or `{"person_id": ...}`.
    static func personChoice(_ request: Request) async throws -> PersonChoice {
        let body = try await JSONBody.decode(NameBody.self, from: request, example: #"{"name": "Ada"} or {"person_id": 3}"#)
        return try PeopleWrites.choice(personID: body.personId.map(String.init), name: body.name)
    }

    static func limit(_ text: String?, default fallback: Int, max: Int, min: Int = 1) throws(RequestError) -> Int {
        guard let text, !text.isEmpty else { return fallback }
        guard let value = Int(text), value >= min, value <= max else {
            throw RequestError.badRequest("must be a whole number from \(min) to \(max), not \"\(text)\"")
        }
        return value
    }

    func json(_ logger: Logger, what: String, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return JSONResponse.error(FailureMapping.requestError(for: error, logger: logger, what: what))
        }
    }

    /// A write: access checks first, then the change; every failure is a JSON error.
    func write(
        _ request: Request, _ context: some RequestContext, what: String, _ body: () async throws -> Response
    ) async -> Response {
        await json(context.logger, what: what) {
            try writes.access.checkAPIWrite(request)
            return try await body()
        }
    }
}
