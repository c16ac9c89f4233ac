import HTTPTypes

/// A request the frontend refuses, with a message safe to show to the client.
public struct RequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public static func badRequest(_ message: String) -> RequestError { RequestError(.badRequest, message) }
    public static func notFound(_ message: String) -> RequestError { RequestError(.notFound, message) }

    public var description: String { "\(status.code) \(message)" }
}
