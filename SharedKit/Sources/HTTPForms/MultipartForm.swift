import Foundation

/// Just enough `multipart/form-data` (RFC 7578) to take the uploaded file out of a browser or
/// `curl -F image=@x.jpg` request: the first part with a filename, or one named `image` or `file`.
public enum MultipartForm {
    public struct Part: Sendable {
        public var name: String?
        public var filename: String?
        public var contentType: String?
        public var body: ArraySlice<UInt8>

        public init(name: String? = nil, filename: String? = nil, contentType: String? = nil, body: ArraySlice<UInt8>) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.body = body
        }
    }

    /// The boundary parameter of a `multipart/form-data; boundary=...` content type.
    public static func boundary(fromContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty || value.utf8.count > 70 ? nil : value
        }
        return nil
    }

    public static func parts(_ body: [UInt8], boundary: String) -> [Part]? {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        var parts: [Part] = []
        guard var cursor = find(delimiter, in: body, from: 0) else { return nil }
        while true {
            cursor += delimiter.count
            // "--" after a delimiter ends the body.
            if cursor + 1 < body.count, body[cursor] == 45, body[cursor + 1] == 45 { return parts }
            guard let lineEnd = find(crlf, in: body, from: cursor) else { return nil }
            let headerStart = lineEnd + 2
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: headerStart) else { return nil }
            let contentStart = headerEnd + 4
            guard let next = find(crlf + delimiter, in: body, from: contentStart) else { return nil }
            var part = Part(body: body[contentStart..<next])
            let headers = String(decoding: body[headerStart..<headerEnd], as: UTF8.self)
            for line in headers.split(separator: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                switch pair[0].lowercased() {
                case "content-disposition":
                    part.name = parameter("name", in: value)
                    part.filename = parameter("filename", in: value)
                case "content-type":
                    part.contentType = value
                default: break
                }
            }
            parts.append(part)
            cursor = next + 2
        }
    }

    public static func fileBody(_ body: [UInt8], boundary: String) -> ArraySlice<UInt8>? {
        guard let parts = parts(body, boundary: boundary) else { return nil }
        return (parts.first { $0.filename != nil } ?? parts.first { $0.name == "image" || $0.name == "file" })?.body
    }

    private static func parameter(_ name: String, in value: String) -> String? {
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var text = pair[1].trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
            return text
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var match = true
                for j in 1..<needle.count where haystack[i + j] != needle[j] {
                    match = false
                    break
                }
                if match { return i }
            }
            i += 1
        }
        return nil
    }
}
