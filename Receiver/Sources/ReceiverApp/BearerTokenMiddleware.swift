import Hummingbird

/// Requires `Authorization: Bearer <token>` on the routes it guards (the write routes when
/// RECEIVER_API_TOKEN is set). The comparison takes the same time wherever the first difference is.
public struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]

    public init(token: String) { self.token = Array(token.utf8) }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.count > 7,
            header.prefix(7).lowercased() == "bearer ",
            Self.constantTimeEquals(Array(header.utf8.dropFirst(7)), token)
        else {
            throw APIError(
                .unauthorized, code: "unauthorized", "a valid 'Authorization: Bearer <token>' header is required",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        // Always walk the expected token's length so timing does not depend on the guess.
        for i in 0..<b.count {
            difference |= (i < a.count ? a[i] : 0) ^ b[i]
        }
        return difference == 0 && a.count == b.count
    }
}
