import Models

/// Parses and bounds the images list's query parameters: `page`, `per_page`, `status`, `person`.
/// Anything malformed is a `RequestError` naming the parameter, never a crash or a silent default.
public struct ListParameters: Sendable {
    public static let defaultPerPage = 50
    public static let perPageRange = 1...200
    /// Far beyond any real page; bounds the SQL offset.
    public static let maxPage = 1_000_000

    public var query: ImageQuery

    public init(query: ImageQuery) {
        self.query = query
    }

    /// From the request's query parameters (`request.uri.queryParameters`); the first of repeated names wins.
    public init<Parameters: Sequence>(_ parameters: Parameters) throws(RequestError)
    where Parameters.Element == (key: Substring, value: Substring) {
        var values: [String: String] = [:]
        for (key, value) in parameters where values[String(key)] == nil { values[String(key)] = String(value) }
        try self.init(values)
    }

    public init(_ parameters: [String: String]) throws(RequestError) {
        var query = ImageQuery(perPage: Self.defaultPerPage)
        if let text = Self.value("page", parameters) {
            guard let page = Int(text), (1...Self.maxPage).contains(page) else {
                throw .badRequest("page must be a whole number from 1 to \(Self.maxPage), not \"\(text)\"")
            }
            query.page = page
        }
        if let text = Self.value("per_page", parameters) {
            guard let perPage = Int(text), Self.perPageRange.contains(perPage) else {
                throw .badRequest(
                    "per_page must be a whole number from \(Self.perPageRange.lowerBound) to \(Self.perPageRange.upperBound), not \"\(text)\"")
            }
            query.perPage = perPage
        }
        if let text = Self.value("status", parameters), text.lowercased() != "all" {
            guard let status = ImageStatus(parsing: text) else {
                let allowed = ImageStatus.allCases.map { $0.description }.joined(separator: ", ")
                throw .badRequest("status must be one of \(allowed) (or all), not \"\(text)\"")
            }
            query.status = status
        }
        if let text = Self.value("person", parameters) {
            guard let person = Int64(text), person > 0 else {
                throw .badRequest("person must be a person id (a positive whole number), not \"\(text)\"")
            }
            query.personID = person
        }
        self.query = query
    }

    /// The parameter's value; an empty value (an unselected form field) counts as absent.
    static func value(_ name: String, _ parameters: [String: String]) -> String? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        return value
    }

    /// Query string for the same filters on another page ("" when nothing is set).
    public func queryString(page: Int? = nil, status: ImageStatus?? = nil) -> String {
        var items: [String] = []
        let status = status ?? query.status
        if let status { items.append("status=\(status.description)") }
        if let person = query.personID { items.append("person=\(person)") }
        let page = page ?? query.page
        if page != 1 { items.append("page=\(page)") }
        if query.perPage != Self.defaultPerPage { items.append("per_page=\(query.perPage)") }
        return items.isEmpty ? "" : "?" + items.joined(separator: "&")
    }
}

/// Parses a numeric id from the path (`/images/{id}`).
public enum IDParameter {
    public static func parse(_ text: String?, what: String) throws(RequestError) -> Int64 {
        guard let text, let id = Int64(text), id > 0 else {
            throw .badRequest("\(what) id must be a positive whole number, not \"\(text ?? "")\"")
        }
        return id
    }
}
