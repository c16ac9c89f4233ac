import Foundation

/// Validates JSON values against the JSON Schema (2020-12) subset our OpenAPI 3.1 documents use.
/// A keyword outside that subset is reported as a problem rather than ignored, so a spec can never
/// look checked while it is not.
public struct JSONSchemaValidator: Sendable {
    /// The whole document, for `$ref`s (`#/components/schemas/Name`).
    public let document: JSONValue

    public static let checkedKeywords: Set<String> = [
        "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems",
        "maxItems", "minimum", "maximum", "minLength", "maxLength", "pattern", "oneOf", "anyOf", "allOf", "format",
    ]
    /// Keywords that only describe.
    public static let annotations: Set<String> = [
        "description", "title", "example", "examples", "default", "deprecated", "readOnly", "writeOnly",
        "contentMediaType", "contentEncoding",
    ]

    public init(document: JSONValue) {
        self.document = document
    }

    /// Every way `value` breaks `schema`, each naming where (`$.faces[0].box`); empty when it conforms.
    public func problems(_ value: JSONValue, against schema: JSONValue, at location: String = "$") -> [String] {
        guard case .object(let keywords) = schema else {
            if case .bool(let allowed) = schema { return allowed ? [] : ["\(location): no value is allowed here"] }
            return ["\(location): the schema is not an object"]
        }
        var found: [String] = []
        for keyword in keywords.keys.sorted()
        where !Self.checkedKeywords.contains(keyword) && !Self.annotations.contains(keyword) && !keyword.hasPrefix("x-") {
            found.append("\(location): schema keyword \"\(keyword)\" is not supported by the contract check")
        }
        if let reference = keywords["$ref"]?.stringValue {
            guard let target = resolve(reference) else { return found + ["\(location): unresolvable $ref \(reference)"] }
            found += problems(value, against: target, at: location)
        }
        if let type = keywords["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
            if value.schemaTypes.isDisjoint(with: allowed) {
                return found + ["\(location): expected \(allowed.joined(separator: " or ")), got \(Self.short(value))"]
            }
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(value) {
            found.append("\(location): \(Self.short(value)) is not one of \(options.map(\.description).joined(separator: ", "))")
        }
        if let constant = keywords["const"], constant != value {
            found.append("\(location): expected \(constant), got \(Self.short(value))")
        }
        found += objectProblems(value, keywords, location)
        found += arrayProblems(value, keywords, location)
        found += scalarProblems(value, keywords, location)
        found += combinationProblems(value, keywords, location)
        return found
    }

    /// The schema a local reference points at (`#/a/b`, JSON Pointer escapes included).
    public func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }

    private func objectProblems(_ value: JSONValue, _ keywords: [String: JSONValue], _ location: String) -> [String] {
        guard case .object(let members) = value else { return [] }
        var found: [String] = []
        for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            found.append("\(location): missing required property \"\(name)\"")
        }
        let properties = keywords["properties"]?.objectValue ?? [:]
        for name in members.keys.sorted() {
            let member = members[name]!
            if let schema = properties[name] {
                found += problems(member, against: schema, at: "\(location).\(name)")
            } else if let extra = keywords["additionalProperties"] {
                if case .bool(false) = extra {
                    found.append("\(location): property \"\(name)\" is not in the schema (additionalProperties is false)")
                } else if case .object = extra {
                    found += problems(member, against: extra, at: "\(location).\(name)")
                }
            }
        }
        return found
    }

    private func arrayProblems(_ value: JSONValue, _ keywords: [String: JSONValue], _ location: String) -> [String] {
        guard case .array(let items) = value else { return [] }
        var found: [String] = []
        if case .int(let least) = keywords["minItems"], items.count < least {
            found.append("\(location): \(items.count) items, at least \(least) expected")
        }
        if case .int(let most) = keywords["maxItems"], items.count > most {
            found.append("\(location): \(items.count) items, at most \(most) expected")
        }
        if let schema = keywords["items"] {
            for (index, item) in items.enumerated() { found += problems(item, against: schema, at: "\(location)[\(index)]") }
        }
        return found
    }

    private func scalarProblems(_ value: JSONValue, _ keywords: [String: JSONValue], _ location: String) -> [String] {
        var found: [String] = []
        let number: Double? =
            switch value {
            case .int(let n): Double(n)
            case .double(let n): n
            default: nil
            }
        if let number {
            if let minimum = Self.number(keywords["minimum"]), number < minimum {
                found.append("\(location): \(number) is below the minimum \(minimum)")
            }
            if let maximum = Self.number(keywords["maximum"]), number > maximum {
                found.append("\(location): \(number) is above the maximum \(maximum)")
            }
        }
        if case .string(let text) = value {
            if case .int(let least) = keywords["minLength"], text.count < least {
                found.append("\(location): \"\(text)\" is shorter than \(least) characters")
            }
            if case .int(let most) = keywords["maxLength"], text.count > most {
                found.append("\(location): longer than \(most) characters")
            }
            if let pattern = keywords["pattern"]?.stringValue {
                let matched = (try? NSRegularExpression(pattern: pattern))
                    .map { $0.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil }
                if matched != true { found.append("\(location): \"\(text)\" does not match \(pattern)") }
            }
            if keywords["format"]?.stringValue == "date-time", Self.parseDateTime(text) == nil {
                found.append("\(location): \"\(text)\" is not an RFC 3339 date-time")
            }
        }
        return found
    }

    private func combinationProblems(_ value: JSONValue, _ keywords: [String: JSONValue], _ location: String) -> [String] {
        var found: [String] = []
        for schema in keywords["allOf"]?.arrayValue ?? [] { found += problems(value, against: schema, at: location) }
        if let options = keywords["anyOf"]?.arrayValue {
            let results = options.map { problems(value, against: $0, at: location) }
            if !results.contains(where: \.isEmpty) {
                found.append("\(location): matches none of anyOf: " + results.map { $0.joined(separator: "; ") }.joined(separator: " | "))
            }
        }
        if let options = keywords["oneOf"]?.arrayValue {
            let results = options.map { problems(value, against: $0, at: location) }
            let matching = results.filter(\.isEmpty).count
            if matching == 0 {
                found.append("\(location): matches none of oneOf: " + results.map { $0.joined(separator: "; ") }.joined(separator: " | "))
            } else if matching > 1 {
                found.append("\(location): matches \(matching) schemas of oneOf, exactly one expected")
            }
        }
        return found
    }

    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let n): Double(n)
        case .double(let n): n
        default: nil
        }
    }

    static func parseDateTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    static func short(_ value: JSONValue) -> String {
        let text = value.description
        return text.count > 120 ? String(text.prefix(120)) + "..." : text
    }
}
