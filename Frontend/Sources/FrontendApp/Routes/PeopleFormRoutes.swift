import Hummingbird
import Logging
import PeopleLibrary

/// The HTML forms behind the pages (no JavaScript needed): each checks `WriteAccess` (same origin, CSRF
/// token, login when a token is configured), makes the change and redirects (303) to the page to look at,
/// with a one-shot message. A refused form shows the error page; a failed change goes back with the reason.
struct PeopleFormRoutes: Sendable {
    let writes: PeopleWrites
    let renderer: PageRenderer

    func add(to router: Router<some RequestContext>) {
        router.post("/faces/:id/name") { request, context in
            await form(request, context, what: "the face") { fields in
                let imageID = fields["image_id"].flatMap { Int64($0) }.map { "/images/\($0)" }
                return imageID ?? "/"
            } change: { fields in
                let id = try IDParameter.parse(context.parameters.get("id"), what: "face")
                let choice = try PeopleWrites.choice(personID: fields["person_id"], name: fields["name"])
                let outcome = try await writes.library().nameFace(faceID: id, as: choice)
                context.logger.info("face named", metadata: ["face_id": "\(id)", "person_id": "\(outcome.personID)"])
                return .done(PeopleWrites.describe(outcome))
            }
        }
        router.post("/groups/:id/name") { request, context in
            await form(request, context, what: "the group") { _ in "/people#unnamed" } change: { fields in
                let id = try IDParameter.parse(context.parameters.get("id"), what: "group")
                let choice = try PeopleWrites.choice(personID: fields["person_id"], name: fields["name"])
                let outcome = try await writes.library().nameGroup(groupID: id, as: choice)
                context.logger.info("group named", metadata: ["group_id": "\(id)", "person_id": "\(outcome.personID)"])
                return .done(PeopleWrites.describe(outcome))
            }
        }
        router.post("/people/:id/rename") { request, context in
            await form(request, context, what: "the person") { _ in personPage(context) } change: { fields in
                let id = try IDParameter.parse(context.parameters.get("id"), what: "person")
                let name = try PeopleWrites.validName(fields["name"])
                try await writes.library().renamePerson(id: id, to: name)
                return .done("Renamed to \(name).")
            }
        }
        router.post("/people/:id/merge") { request, context in
            await form(request, context, what: "the merge") { _ in personPage(context) } change: { fields in
                let id = try IDParameter.parse(context.parameters.get("id"), what: "person")
                let into = try IDParameter.parse(fields["into"], what: "into (person)")
                let outcome = try await writes.library().mergePerson(id: id, into: into)
                context.logger.info("people merged", metadata: ["person_id": "\(id)", "into": "\(into)"])
                return .done(PeopleWrites.describe(outcome, verb: "Merged into"), at: "/people/\(into)")
            }
        }
        router.post("/people/:id/faces/:face/remove") { request, context in
            await form(request, context, what: "the face") { _ in personPage(context) } change: { _ in
                let id = try IDParameter.parse(context.parameters.get("id"), what: "person")
                let face = try IDParameter.parse(context.parameters.get("face"), what: "face")
                try await writes.library().removeFace(faceID: face, fromPerson: id)
                return .done("The face is unknown again.")
            }
        }
        router.post("/people/:id/delete") { request, context in
            await form(request, context, what: "the person") { _ in personPage(context) } change: { _ in
                let id = try IDParameter.parse(context.parameters.get("id"), what: "person")
                let unknown = try await writes.library().deletePerson(id: id)
                context.logger.info("person deleted", metadata: ["person_id": "\(id)", "faces_unknown": "\(unknown)"])
                return .done("Person deleted; \(unknown == 1 ? "1 face is" : "\(unknown) faces are") unknown again.", at: "/people")
            }
        }
        router.post("/people") { request, context in
            await enroll(request, context)
        }
        router.post("/login") { request, context in
            await login(request, context)
        }
        router.post("/logout") { request, context in
            do {
                let fields = try await FormBody.fields(request)
                try writes.access.checkSameOrigin(request)
                guard writes.access.signer.isValidCSRF(
                    token: fields[WriteAccess.csrfField] ?? "", cookie: request.cookies[WriteAccess.csrfCookie]?.value ?? "")
                else { throw RequestError(.forbidden, "the form has expired: reload the page and try again") }
                var response = Flash(error: false, "Logged out.").redirect(to: "/")
                response.setCookie(WriteAccess.expiredCookie(WriteAccess.sessionCookie))
                return response
            } catch {
                return renderer.errorPage(FailureMapping.requestError(for: error, logger: context.logger, what: "the logout"))
            }
        }
    }

    func personPage(_ context: some RequestContext) -> String {
        context.parameters.get("id").flatMap { Int64($0) }.map { "/people/\($0)" } ?? "/people"
    }

    /// A form post: checks, the change, then a redirect with its message (to `back` unless the change names
    /// another page). Refusals of the form itself (origin, CSRF, body) show the error page; a missing login
    /// goes to the login page; a change that fails goes back with the reason.
    func form(
        _ request: Request, _ context: some RequestContext, what: String,
        back: ([String: String]) -> String, change: ([String: String]) async throws -> FormOutcome
    ) async -> Response {
        let fields: [String: String]
        do {
            fields = try await FormBody.fields(request)
            try writes.access.checkFormWrite(request, token: fields[WriteAccess.csrfField])
        } catch let error as RequestError where error.status == .unauthorized {
            return Flash(error: true, "Log in first: changes need the API token.").redirect(to: "/login")
        } catch {
            return renderer.errorPage(FailureMapping.requestError(for: error, logger: context.logger, what: what))
        }
        let location = back(fields)
        do {
            let outcome = try await change(fields)
            return Flash(error: false, outcome.message).redirect(to: outcome.location ?? location)
        } catch {
            let failure = FailureMapping.requestError(for: error, logger: context.logger, what: what)
            return Flash(error: true, failure.message).redirect(to: location)
        }
    }

    /// `POST /people` (multipart): enroll a person from photos, then show them.
    func enroll(_ request: Request, _ context: some RequestContext) async -> Response {
        let upload: EnrollmentUpload
        do {
            upload = try await EnrollmentUpload.read(request, maxBytes: writes.maxUploadBytes)
            try writes.access.checkFormWrite(request, token: upload.fields[WriteAccess.csrfField])
        } catch let error as RequestError where error.status == .unauthorized {
            return Flash(error: true, "Log in first: changes need the API token.").redirect(to: "/login")
        } catch let error as RequestError where error.status == .contentTooLarge {
            return Flash(error: true, "Not enrolled: \(error.message).").redirect(to: "/people")
        } catch {
            return renderer.errorPage(FailureMapping.requestError(for: error, logger: context.logger, what: "the upload"))
        }
        do {
            let report = try await upload.enroll(with: writes.faceEnroller(), logger: context.logger)
            guard let personID = report.personID, report.enrolledCount > 0 else {
                return Flash(error: true, report.summary).redirect(to: "/people")
            }
            return Flash(error: false, report.summary).redirect(to: "/people/\(personID)")
        } catch {
            let failure = FailureMapping.requestError(for: error, logger: context.logger, what: "the upload")
            return Flash(error: true, "Not enrolled: \(failure.message).").redirect(to: "/people")
        }
    }

    /// `POST /login`: the API token for a login cookie.
    func login(_ request: Request, _ context: some RequestContext) async -> Response {
        do {
            let fields = try await FormBody.fields(request)
            try writes.access.checkSameOrigin(request)
            guard writes.access.signer.isValidCSRF(
                token: fields[WriteAccess.csrfField] ?? "", cookie: request.cookies[WriteAccess.csrfCookie]?.value ?? "")
            else { throw RequestError(.forbidden, "the form has expired: reload the page and try again") }
            let next = LocalPath.safe(fields["next"], fallback: "/people")
            guard let token = writes.access.apiToken else {
                return Flash(error: false, "No login needed: this frontend has no API token.").redirect(to: next)
            }
            guard CookieSigner.constantTimeEquals(fields["token"] ?? "", token) else {
                context.logger.notice("login refused: wrong token")
                return Flash(error: true, "Wrong token.").redirect(to: "/login")
            }
            var response = Flash(error: false, "Logged in.").redirect(to: next)
            response.setCookie(writes.access.sessionCookie())
            return response
        } catch {
            return renderer.errorPage(FailureMapping.requestError(for: error, logger: context.logger, what: "the login"))
        }
    }
}

/// What a successful form did: the message to show, and the page to show it on when not the form's own.
struct FormOutcome: Sendable {
    var message: String
    var location: String?

    static func done(_ message: String, at location: String? = nil) -> FormOutcome {
        FormOutcome(message: message, location: location)
    }
}
