/// Everything the NSQ client can fail with.
public enum NSQError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidTopicName(String)
    case invalidChannelName(String)
    case invalidArgument(String)
    /// nsqd answered with an error frame (`E_*`).
    case server(NSQServerError)
    /// The connection closed before the reply arrived (the command may or may not have been applied).
    case connectionClosed
    /// Could not open or set up a connection.
    case connectFailed(address: String, reason: String)
    /// No reply within the configured time; the connection was closed because replies are ordered.
    case timedOut(String)
    /// The peer sent bytes that do not follow the protocol.
    case protocolViolation(String)
    /// nsqlookupd could not be queried or answered something unusable.
    case lookupFailed(String)
    /// The producer or consumer was shut down.
    case shutDown

    public var description: String {
        switch self {
        case .invalidTopicName(let name): "invalid NSQ topic name \"\(name)\" (want [.a-zA-Z0-9_-], 1-64, optional #ephemeral)"
        case .invalidChannelName(let name): "invalid NSQ channel name \"\(name)\" (want [.a-zA-Z0-9_-], 1-64, optional #ephemeral)"
        case .invalidArgument(let text): "invalid argument: \(text)"
        case .server(let error): "nsqd error: \(error)"
        case .connectionClosed: "NSQ connection closed before the reply arrived"
        case .connectFailed(let address, let reason): "could not connect to nsqd \(address): \(reason)"
        case .timedOut(let what): "NSQ timed out: \(what)"
        case .protocolViolation(let text): "NSQ protocol violation: \(text)"
        case .lookupFailed(let text): "nsqlookupd lookup failed: \(text)"
        case .shutDown: "NSQ client is shut down"
        }
    }
}

/// An nsqd error frame: `E_CODE human readable text`.
public struct NSQServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `E_*` token, e.g. `E_BAD_TOPIC`.
    public var code: String
    /// The whole error text as sent.
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Parses the payload of an error frame.
    public init(frameData: String) {
        let code = frameData.split(separator: " ", maxSplits: 1).first.map(String.init) ?? frameData
        self.init(code: code, message: frameData)
    }

    public static let invalid = "E_INVALID"
    public static let badBody = "E_BAD_BODY"
    public static let badTopic = "E_BAD_TOPIC"
    public static let badChannel = "E_BAD_CHANNEL"
    public static let badMessage = "E_BAD_MESSAGE"
    public static let pubFailed = "E_PUB_FAILED"
    public static let mpubFailed = "E_MPUB_FAILED"
    public static let dpubFailed = "E_DPUB_FAILED"
    public static let finFailed = "E_FIN_FAILED"
    public static let reqFailed = "E_REQ_FAILED"
    public static let touchFailed = "E_TOUCH_FAILED"
    public static let authFailed = "E_AUTH_FAILED"
    public static let unauthorized = "E_UNAUTHORIZED"

    /// FIN/REQ/TOUCH failures answer commands that have no success reply, and nsqd keeps the connection
    /// open after them; every other error is fatal for the connection.
    public var isMessageScoped: Bool {
        code == Self.finFailed || code == Self.reqFailed || code == Self.touchFailed
    }

    public var description: String { message }
}
