import Hummingbird
import MySQL
import NIOCore

/// An error response with a JSON body `{"error": message, "code": code}`: what every refusal looks like.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        let body = "{\"error\":\(JSONText.quoted(message)),\"code\":\(JSONText.quoted(code))}\n"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func unavailable(_ message: String) -> APIError {
        APIError(.serviceUnavailable, code: "unavailable", message, headers: [.retryAfter: "1"])
    }

    /// Maps a store failure: an unreachable database is 503 (retry later), anything else 500.
    static func storage(_ error: any Error) -> APIError {
        if let error = error as? MySQLError {
            if error.isConnectionLost || error.kind == .checkoutTimeout || error.kind == .poolClosed {
                return .unavailable("the database is unreachable; retry later")
            }
        }
        return APIError(.internalServerError, code: "internal", "storing the image failed")
    }
}

extension HTTPResponse.Status {
    /// 207 (WebDAV's Multi-Status, not in HTTPTypes' RFC 9110 list): a batch with per-item results,
    /// some accepted and some rejected.
    public static var multiStatus: Self { .init(code: 207, reasonPhrase: "Multi-Status") }
}
