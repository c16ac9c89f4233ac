import Foundation
import Hummingbird
import Models
import NIOCore

/// Reading and decoding request bodies with the API's status codes: 413 over the limit, 415 for a
/// content type that cannot be JSON, 400 for malformed JSON or a missing or unknown field.
enum RequestBodies {
    static func collect(_ request: Request, limit: Int, what: String) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw tooLarge(what, limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge(what, limit)
        }
    }

    static func tooLarge(_ what: String, _ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "too_large", "\(what) is larger than the limit of \(limit) bytes")
    }

    /// JSON bodies: `application/json` (or `+json`), no content type, or the types `curl -d` and HTML
    /// forms send by default (the seed's curl commands set none, so curl says form-urlencoded).
    static func requireJSONContentType(_ request: Request) throws {
        guard let value = request.headers[.contentType] else { return }
        let type = value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let accepted = type == "application/json" || type.hasSuffix("+json") || type == "text/json"
            || type == "text/plain" || type == "application/x-www-form-urlencoded" || type.isEmpty
        if !accepted {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", "expected a JSON body (application/json), got \(value)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as StrictKeys.UnknownKeysError {
            throw APIError(.badRequest, code: "unknown_field", error.description)
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: "bad_json", describe(error))
        } catch {
            throw APIError(.badRequest, code: "bad_json", "the body is not valid JSON")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            let text = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "" : " at \(text)"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \"\(key.stringValue)\"\(at(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "wrong type\(at(context.codingPath)): expected \(type == String.self ? "a string" : "\(type)")"
        case .valueNotFound(_, let context):
            return "null value\(at(context.codingPath))"
        case .dataCorrupted(let context):
            if let unknown = context.underlyingError as? StrictKeys.UnknownKeysError { return unknown.description }
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "invalid value\(at(context.codingPath))"
        @unknown default:
            return "the body is not valid JSON"
        }
    }
}
