/// `{"path":"x.jpg"}`: the body of the seed's `POST /image/post`.
///
/// Decoding is strict: an unknown key is an error, so a typo such as `{"pth":"x.jpg"}` is reported
/// instead of being silently ignored.
public struct Path: Codable, Hashable, Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    private enum CodingKeys: String, CodingKey, CaseIterable { case path }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.path = try container.decode(String.self, forKey: .path)
    }
}

/// `{"paths":[{"path":"x.jpg"}, ...]}`: the body of `POST /images/post`.
public struct Paths: Codable, Hashable, Sendable {
    public var paths: [Path]

    public init(paths: [Path]) { self.paths = paths }

    private enum CodingKeys: String, CodingKey, CaseIterable { case paths }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.paths = try container.decode([Path].self, forKey: .paths)
    }
}
