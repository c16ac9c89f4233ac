import NIOCore

/// A client-to-nsqd command, exactly as the V2 TCP protocol frames it (see `NSQCommandEncoder`).
public enum NSQCommand: Sendable, Equatable {
    /// The 4-byte protocol magic `"  V2"`, sent once right after connecting.
    case magicV2
    /// `IDENTIFY\n[size][JSON]`
    case identify(ByteBuffer)
    /// `AUTH\n[size][secret]`
    case auth(ByteBuffer)
    /// `SUB <topic> <channel>\n`
    case sub(topic: String, channel: String)
    /// `PUB <topic>\n[size][body]`
    case pub(topic: String, body: ByteBuffer)
    /// `MPUB <topic>\n[body size][count]([size][body])*`
    case mpub(topic: String, bodies: [ByteBuffer])
    /// `DPUB <topic> <defer_ms>\n[size][body]`
    case dpub(topic: String, deferMilliseconds: Int64, body: ByteBuffer)
    /// `RDY <count>\n`
    case rdy(Int64)
    /// `FIN <id>\n`
    case fin(NSQMessageID)
    /// `REQ <id> <timeout_ms>\n`
    case req(NSQMessageID, delayMilliseconds: Int64)
    /// `TOUCH <id>\n`
    case touch(NSQMessageID)
    /// `CLS\n`
    case cls
    /// `NOP\n`
    case nop

    public static let magicBytes: [UInt8] = Array("  V2".utf8)

    /// The command word as it appears on the wire (for logs).
    public var name: String {
        switch self {
        case .magicV2: "MAGIC"
        case .identify: "IDENTIFY"
        case .auth: "AUTH"
        case .sub: "SUB"
        case .pub: "PUB"
        case .mpub: "MPUB"
        case .dpub: "DPUB"
        case .rdy: "RDY"
        case .fin: "FIN"
        case .req: "REQ"
        case .touch: "TOUCH"
        case .cls: "CLS"
        case .nop: "NOP"
        }
    }

    /// Whether nsqd answers this command with a response or error frame (`OK`, JSON, `CLOSE_WAIT`).
    /// RDY, FIN, REQ, TOUCH and NOP get no reply on success.
    public var expectsResponse: Bool {
        switch self {
        case .identify, .auth, .sub, .pub, .mpub, .dpub, .cls: true
        case .magicV2, .rdy, .fin, .req, .touch, .nop: false
        }
    }
}

/// A server-to-client frame: `[4-byte size][4-byte type][data]`, size counting type and data.
public enum NSQFrame: Sendable, Equatable {
    case response(ByteBuffer)
    case error(ByteBuffer)
    case message(NSQMessage)

    public static let typeResponse: Int32 = 0
    public static let typeError: Int32 = 1
    public static let typeMessage: Int32 = 2

    public static let heartbeat = "_heartbeat_"
    public static let ok = "OK"
    public static let closeWait = "CLOSE_WAIT"

    public static func response(_ text: String) -> NSQFrame { .response(ByteBuffer(string: text)) }
    public static func error(_ text: String) -> NSQFrame { .error(ByteBuffer(string: text)) }
}
