import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import Testing

/// Runs `body` against the frontend's router (in process, no sockets) over a freshly seeded database.
func withSeededRouter(
    bulkPending: Int = 0, _ body: @Sendable (SeededFrontend, any TestClientProtocol) async throws -> Void
) async throws {
    let seeded = try await SeededFrontend.make(bulkPending: bulkPending)
    do {
        let app = try buildApplication(seeded.dependencies())
        seeded.health.markStarted()
        try await app.test(.router) { client in try await body(seeded, client) }
    } catch {
        await seeded.shutdown()
        throw error
    }
    await seeded.shutdown()
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(text)")
    }
}

extension TestClientProtocol {
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers) { $0 }
    }
}

/// Every capture of `pattern`'s first group in `text`.
func captures(_ pattern: String, in text: String) -> [String] {
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
    let range = NSRange(text.startIndex..., in: text)
    return regex.matches(in: text, range: range).compactMap { match in
        Range(match.range(at: 1), in: text).map { String(text[$0]) }
    }
}

func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}
