import Foundation
import Synchronization

/// One operation of an OpenAPI document: `GET /images/{id}`.
public struct OpenAPIOperation: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var method: String
    public var path: String

    public init(_ method: String, _ path: String) {
        self.method = method.uppercased()
        self.path = path
    }

    public var description: String { "\(method) \(path)" }

    public static func < (a: Self, b: Self) -> Bool { (a.path, a.method) < (b.path, b.method) }
}

/// A service's OpenAPI 3.1 document as a test oracle: which operations and statuses it promises, and
/// whether a real response (status, content type, body) keeps that promise. It also remembers which
/// (operation, status) pairs the tests produced, so a test can prove every documented answer happens.
public final class OpenAPIContract: Sendable {
    public let document: JSONValue
    public let validator: JSONSchemaValidator
    private let exercised = Mutex<Set<String>>([])

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    public init(json: String) throws {
        document = try JSONValue.parse(json)
        validator = JSONSchemaValidator(document: document)
    }

    /// Every operation the document describes.
    public var operations: [OpenAPIOperation] {
        var found: [OpenAPIOperation] = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in Self.methods where item[method] != nil { found.append(OpenAPIOperation(method, path)) }
        }
        return found.sorted()
    }

    func operationObject(_ operation: OpenAPIOperation) -> JSONValue? {
        document["paths"]?[operation.path]?[operation.method.lowercased()]
    }

    /// The documented response codes of an operation ("200", "default", ...).
    public func statuses(of operation: OpenAPIOperation) -> [String] {
        (operationObject(operation)?["responses"]?.objectValue?.keys).map { $0.sorted() } ?? []
    }

    /// What is wrong with the document itself: version, duplicate or missing operation ids, operations
    /// without responses, unresolvable references, schema keywords the check does not understand, links
    /// to operations that do not exist.
    public func documentProblems() -> [String] {
        var found: [String] = []
        if document["openapi"]?.stringValue?.hasPrefix("3.1.") != true { found.append("\"openapi\" is not 3.1.x") }
        if document["info"]?["title"]?.stringValue == nil { found.append("info.title is missing") }
        var ids: [String: Int] = [:]
        for operation in operations {
            let object = operationObject(operation)!
            guard let id = object["operationId"]?.stringValue else {
                found.append("\(operation): no operationId")
                continue
            }
            ids[id, default: 0] += 1
            if statuses(of: operation).isEmpty { found.append("\(operation): no responses") }
        }
        found += ids.filter { $0.value > 1 }.keys.sorted().map { "operationId \($0) is used more than once" }
        walkSchemas(document, at: "#") { schema, location in found += schemaProblems(schema, at: location) }
        for operation in operations {
            for (status, response) in operationObject(operation)?["responses"]?.objectValue ?? [:] {
                if let reference = response["$ref"]?.stringValue, validator.resolve(reference) == nil {
                    found.append("\(operation) \(status): unresolvable $ref \(reference)")
                }
                for (name, link) in resolved(response)["links"]?.objectValue ?? [:] {
                    let target = link["operationId"]?.stringValue ?? ""
                    if ids[target] == nil { found.append("\(operation) \(status): link \(name) names unknown operation \(target)") }
                }
            }
        }
        return found
    }

    /// The router and the document agree: every registered route is documented and every documented
    /// operation is registered. Each problem names the route and what to do about it.
    public func routeProblems(registered: [OpenAPIOperation]) -> [String] {
        let documented = Set(operations)
        let routes = Set(registered)
        let undocumented = routes.subtracting(documented).sorted().map {
            "route \($0) is registered by the router but missing from the OpenAPI document (add it under paths)"
        }
        let unrouted = documented.subtracting(routes).sorted().map {
            "operation \($0) is in the OpenAPI document but no route serves it"
        }
        return undocumented + unrouted
    }

    /// Every way one real response breaks the document: an undocumented status, a content type the
    /// status does not list, a JSON body that does not match its schema. Records the pair as exercised.
    public func check(_ operation: OpenAPIOperation, status: Int, contentType: String?, body: Data) -> [String] {
        guard let object = operationObject(operation) else { return ["\(operation) is not in the OpenAPI document"] }
        guard let response = (object["responses"]?["\(status)"] ?? object["responses"]?["default"]).map(resolved) else {
            return ["\(operation) answered \(status), which the OpenAPI document does not list (documented: \(statuses(of: operation).joined(separator: ", ")))"]
        }
        exercised.withLock { _ = $0.insert("\(operation) \(status)") }
        let prefix = "\(operation) \(status)"
        let content = response["content"]?.objectValue ?? [:]
        if content.isEmpty {
            return body.isEmpty ? [] : ["\(prefix): the document promises no body, got \(body.count) bytes"]
        }
        let mediaType = contentType.map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard let entry = content[mediaType] else {
            return ["\(prefix): content type \"\(contentType ?? "none")\" is not documented (documented: \(content.keys.sorted().joined(separator: ", ")))"]
        }
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else { return [] }
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            return ["\(prefix): the body is not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))"]
        }
        guard let schema = entry["schema"] else { return [] }
        return validator.problems(value, against: schema).map { "\(prefix): \($0)" }
    }

    /// A `$ref`'d object (a shared response, parameter) or the object itself.
    func resolved(_ node: JSONValue) -> JSONValue {
        guard let reference = node["$ref"]?.stringValue, let target = validator.resolve(reference) else { return node }
        return resolved(target)
    }

    /// Documented (operation, status) pairs no `check` has seen, minus `except` ("GET /x 503").
    public func unexercised(except: Set<String> = []) -> [String] {
        let seen = exercised.withLock { $0 }
        var missing: [String] = []
        for operation in operations {
            for status in statuses(of: operation) where status != "default" {
                let key = "\(operation) \(status)"
                if !seen.contains(key) && !except.contains(key) { missing.append(key) }
            }
        }
        return missing
    }

    /// Calls `visit` with every schema in the document (components, parameters, bodies, responses).
    func walkSchemas(_ node: JSONValue, at location: String, _ visit: (JSONValue, String) -> Void) {
        guard case .object(let members) = node else {
            if case .array(let items) = node {
                for (index, item) in items.enumerated() { walkSchemas(item, at: "\(location)/\(index)", visit) }
            }
            return
        }
        for (key, member) in members {
            if key == "schema" {
                visit(member, "\(location)/schema")
            } else if key == "schemas", location == "#/components" {
                for (name, schema) in member.objectValue ?? [:] { visit(schema, "\(location)/schemas/\(name)") }
            } else if key != "example" && key != "examples" {
                walkSchemas(member, at: "\(location)/\(key)", visit)
            }
        }
    }

    /// Unknown keywords and broken references anywhere inside one schema.
    func schemaProblems(_ schema: JSONValue, at location: String) -> [String] {
        guard case .object(let keywords) = schema else { return [] }
        var found: [String] = []
        for keyword in keywords.keys.sorted()
        where !JSONSchemaValidator.checkedKeywords.contains(keyword) && !JSONSchemaValidator.annotations.contains(keyword)
            && !keyword.hasPrefix("x-")
        {
            found.append("\(location): schema keyword \"\(keyword)\" is not supported by the contract check")
        }
        if let reference = keywords["$ref"]?.stringValue, validator.resolve(reference) == nil {
            found.append("\(location): unresolvable $ref \(reference)")
        }
        for (name, property) in keywords["properties"]?.objectValue ?? [:] {
            found += schemaProblems(property, at: "\(location)/properties/\(name)")
        }
        for key in ["items", "additionalProperties"] {
            if let nested = keywords[key] { found += schemaProblems(nested, at: "\(location)/\(key)") }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            for (index, nested) in (keywords[key]?.arrayValue ?? []).enumerated() {
                found += schemaProblems(nested, at: "\(location)/\(key)/\(index)")
            }
        }
        return found
    }
}
