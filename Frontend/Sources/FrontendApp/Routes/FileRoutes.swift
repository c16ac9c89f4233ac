import Foundation
import Hummingbird
import ImageFiles

/// `/files/<path>`: image bytes from under the image root, by `ImageRoot`'s rules (relative, canonical,
/// jpg/jpeg/png, symbolic links may not lead out), with ETag revalidation.
struct FileRoutes: Sendable {
    static let prefix = "/files/"
    static let cacheControl = "public, max-age=3600"

    let locator: ImageFileLocator
    let fileIO = FileIO()

    func add(to router: Router<some RequestContext>) {
        router.get("/files/**") { request, context in try await serve(request, context, includeBody: true) }
        router.head("/files/**") { request, context in try await serve(request, context, includeBody: false) }
    }

    func serve(_ request: Request, _ context: some RequestContext, includeBody: Bool) async throws -> Response {
        // The raw path, not the router's segments: decoding here keeps `%2F` and friends under validation.
        let encoded = request.uri.path.hasPrefix(Self.prefix) ? String(request.uri.path.dropFirst(Self.prefix.count)) : ""
        guard let relative = encoded.removingPercentEncoding else {
            return TextResponse.make("path is not valid percent-encoded UTF-8", status: .badRequest)
        }
        let file: ServableImageFile
        switch await locator.locate(relative) {
        case .success(let located):
            file = located
        case .failure(let error):
            return TextResponse.make(error.description, status: error.isMissingFile ? .notFound : .badRequest)
        }
        var headers: HTTPFields = [
            .contentType: file.contentType, .eTag: file.eTag, .cacheControl: Self.cacheControl,
            .lastModified: Self.httpDate(file.modified), .xContentTypeOptions: "nosniff",
        ]
        if Self.matches(request.headers[values: .ifNoneMatch], eTag: file.eTag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(file.size)
        guard includeBody else { return Response(status: .ok, headers: headers) }
        let body = try await fileIO.loadFile(path: file.path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `If-None-Match`: a list of tags (weak ones compare equal too) or `*`.
    static func matches(_ values: [String], eTag: String) -> Bool {
        for value in values {
            for candidate in value.split(separator: ",") {
                var tag = candidate.trimmingCharacters(in: .whitespaces)
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                if tag == eTag { return true }
            }
        }
        return false
    }

    static func httpDate(_ date: Date) -> String {
        date.formatted(
            Date.VerbatimFormatStyle(
                format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT",
                locale: Locale(identifier: "en_US_POSIX"), timeZone: TimeZone(identifier: "GMT")!, calendar: Calendar(identifier: .gregorian)))
    }
}
