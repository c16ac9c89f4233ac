import NIOCore

/// The 16-byte message id nsqd assigns (ASCII hex); FIN/REQ/TOUCH send it back verbatim.
public struct NSQMessageID: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 16
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    public init?(_ string: String) {
        self.init(bytes: Array(string.utf8))
    }

    public var description: String { String(decoding: bytes, as: UTF8.self) }
}

/// A message frame's content: `[8-byte timestamp ns][2-byte attempts][16-byte id][body]`.
public struct NSQMessage: Sendable, Equatable {
    /// When nsqd received the message, nanoseconds since the Unix epoch.
    public var timestamp: Int64
    /// How many times nsqd has delivered it, this delivery included.
    public var attempts: UInt16
    public var id: NSQMessageID
    public var body: ByteBuffer

    public init(timestamp: Int64, attempts: UInt16, id: NSQMessageID, body: ByteBuffer) {
        self.timestamp = timestamp
        self.attempts = attempts
        self.id = id
        self.body = body
    }

    /// The body as plain bytes.
    public var bodyBytes: [UInt8] { Array(body.readableBytesView) }

    /// Header size before the body.
    package static let headerSize = 8 + 2 + NSQMessageID.byteCount
}
