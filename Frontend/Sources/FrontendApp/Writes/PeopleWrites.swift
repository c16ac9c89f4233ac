import Foundation
import Hummingbird
import Logging
import Models
import PeopleLibrary

/// The changes the API and the HTML forms share: each checks that its backend is configured and turns
/// the request's fields into a `PeopleLibrary` or enrollment call.
struct PeopleWrites: Sendable {
    let store: any FrontendStore
    let people: (any PeopleLibrary)?
    let enroller: (any PersonEnroller)?
    let access: WriteAccess
    let maxUploadBytes: Int
    let knownPeoplePrefix: String

    init(_ dependencies: FrontendDependencies) {
        store = dependencies.store
        people = dependencies.people
        enroller = dependencies.enroller
        access = dependencies.access
        maxUploadBytes = dependencies.maxUploadBytes
        knownPeoplePrefix = dependencies.knownPeoplePrefix
    }

    /// Bound on JSON and form bodies (names and ids only).
    static let maxFieldsBytes = 64 * 1024

    func library() throws(RequestError) -> any PeopleLibrary {
        guard let people else { throw RequestError(.serviceUnavailable, "people management is not configured on this frontend") }
        return people
    }

    func faceEnroller() throws(RequestError) -> any PersonEnroller {
        guard let enroller else {
            throw RequestError(.serviceUnavailable, "enrollment is not configured: the frontend has no face recognition address")
        }
        return enroller
    }

    /// An existing person by id, or a name (existing or new), from a request's `person_id` / `name`.
    static func choice(personID: String?, name: String?) throws(RequestError) -> PersonChoice {
        let id = personID?.trimmingCharacters(in: .whitespaces) ?? ""
        switch (id.isEmpty, name) {
        case (false, nil):
            return .existing(id: try IDParameter.parse(id, what: "person_id"))
        case (true, let name?):
            // A blank name is the user's mistake to name, not a missing field.
            return .named(try validName(name))
        case (false, _?):
            throw RequestError.badRequest("give either person_id or name, not both")
        case (true, nil):
            throw RequestError.badRequest("give the person: a name (new or existing) or person_id")
        }
    }

    static func validName(_ raw: String?) throws(RequestError) -> String {
        do {
            return try PersonName.validated(raw ?? "")
        } catch {
            throw RequestError.badRequest("name: \(error.message)")
        }
    }

    /// "Named Ada (new person): 1 face, 3 more recognised in 2 images."
    static func describe(_ outcome: NamingOutcome, verb: String = "Named") -> String {
        var text = "\(verb) \(outcome.personName)\(outcome.personCreated ? " (new person)" : ""): "
        text += outcome.facesNamed == 1 ? "1 face" : "\(outcome.facesNamed) faces"
        if outcome.facesRematched > 0 {
            text += ", \(outcome.facesRematched) more recognised"
        }
        let images = outcome.imagesUpdated.count
        text += images == 0 ? "." : images == 1 ? "; 1 image updated." : "; \(images) images updated."
        return text
    }
}

/// A JSON request body, strictly: `application/json` only (so a cross-site form cannot send it without
/// a CORS preflight, which this server never grants), bounded, and decoded into `T`.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, example: String) async throws -> T {
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        guard contentType.hasPrefix("application/json") else {
            throw RequestError(
                .unsupportedMediaType,
                "send a JSON body with Content-Type: application/json; got \(contentType.isEmpty ? "no content type" : contentType)")
        }
        let body = try await RequestBody.collect(request, maxBytes: PeopleWrites.maxFieldsBytes)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw RequestError.badRequest("the body must be a JSON object like \(example)")
        }
    }
}

/// An `application/x-www-form-urlencoded` body as field → value (the last of repeated fields).
enum FormBody {
    static func fields(_ request: Request) async throws -> [String: String] {
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw RequestError(.unsupportedMediaType, "this form takes application/x-www-form-urlencoded")
        }
        let body = try await RequestBody.collect(request, maxBytes: PeopleWrites.maxFieldsBytes)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let key = decode(parts[0]) else { continue }
            fields[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
