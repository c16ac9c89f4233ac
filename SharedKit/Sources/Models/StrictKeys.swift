/// Rejects JSON objects that carry keys a model does not know.
public enum StrictKeys {
    public struct UnknownKeysError: Error, CustomStringConvertible, Sendable {
        public let keys: [String]
        public let codingPath: [String]
        public var description: String {
            let at = codingPath.isEmpty ? "" : " at \(codingPath.joined(separator: "."))"
            return "unknown field\(keys.count == 1 ? "" : "s")\(at): \(keys.map { "\"\($0)\"" }.joined(separator: ", "))"
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public static func check(_ decoder: any Decoder, allowed: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw UnknownKeysError(keys: unknown, codingPath: decoder.codingPath.map(\.stringValue))
        }
    }
}
