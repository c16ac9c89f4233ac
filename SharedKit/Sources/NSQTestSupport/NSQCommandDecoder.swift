import NSQ
import NIOCore

/// What nsqd reads from a client: the magic first, then commands.
public enum NSQClientInput: Sendable, Equatable {
    case magic([UInt8])
    case command(NSQCommand)
    /// A malformed command; nsqd answers with this error and closes the connection.
    case invalid(NSQServerError)
}

/// The nsqd side of the codec: parses command lines and their size-prefixed bodies, applying nsqd's
/// size limits before buffering a body. Used by `NSQTestServer` and by codec tests.
public struct NSQCommandDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = NSQClientInput

    public var maxMessageSize: Int
    public var maxBodySize: Int
    public var maxLineLength: Int = 4096
    private var sawMagic = false
    private var failed = false

    public init(maxMessageSize: Int = 1_048_576, maxBodySize: Int = 5_242_880) {
        self.maxMessageSize = maxMessageSize
        self.maxBodySize = maxBodySize
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> NSQClientInput? {
        if failed { buffer.moveReaderIndex(to: buffer.writerIndex); return nil }
        if !sawMagic {
            guard let magic = buffer.readBytes(length: 4) else { return nil }
            sawMagic = true
            return .magic(magic)
        }
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLineLength { return fail(NSQServerError.invalid, "command line too long") }
            return nil
        }
        let lineLength = newline - buffer.readableBytesView.startIndex
        var lineBytes = buffer.getBytes(at: buffer.readerIndex, length: lineLength)!
        if lineBytes.last == UInt8(ascii: "\r") { lineBytes.removeLast() }
        let params = lineBytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map { Array($0) }
        let name = String(decoding: params.first ?? [], as: UTF8.self)
        let afterLine = buffer.readerIndex + lineLength + 1

        // Reads a 4-byte size and that many bytes after the line; nil = wait for more data.
        func sizedBody(limit: Int, prefix: String, code: String, tooBig: String) -> Result<ByteBuffer, NSQServerError>? {
            guard let size = buffer.getInteger(at: afterLine, as: Int32.self) else { return nil }
            if size <= 0 { return .failure(NSQServerError(code: code, message: "\(code) \(prefix) invalid \(tooBig == "body" ? "body" : "message body") size \(size)")) }
            if Int(size) > limit {
                return .failure(NSQServerError(code: code, message: "\(code) \(prefix) \(tooBig) too big \(size) > \(limit)"))
            }
            guard let body = buffer.getSlice(at: afterLine + 4, length: Int(size)) else { return nil }
            buffer.moveReaderIndex(to: afterLine + 4 + Int(size))
            return .success(body)
        }
        func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
        func consumeLine() { buffer.moveReaderIndex(to: afterLine) }
        func messageID(_ bytes: [UInt8]) -> NSQMessageID? { NSQMessageID(bytes: bytes) }

        switch name {
        case "IDENTIFY", "AUTH":
            switch sizedBody(limit: maxBodySize, prefix: name, code: NSQServerError.badBody, tooBig: "body") {
            case nil: return nil
            case .failure(let error): return fail(error)
            case .success(let body): return .command(name == "IDENTIFY" ? .identify(body) : .auth(body))
            }
        case "PUB":
            guard params.count >= 2 else { return fail(NSQServerError.invalid, "PUB insufficient number of parameters") }
            switch sizedBody(limit: maxMessageSize, prefix: "PUB", code: NSQServerError.badMessage, tooBig: "message") {
            case nil: return nil
            case .failure(let error): return fail(error)
            case .success(let body): return .command(.pub(topic: string(params[1]), body: body))
            }
        case "DPUB":
            guard params.count >= 3 else { return fail(NSQServerError.invalid, "DPUB insufficient number of parameters") }
            guard let deferMs = Int64(string(params[2])) else {
                return fail(NSQServerError.invalid, "DPUB could not parse timeout \(string(params[2]))")
            }
            switch sizedBody(limit: maxMessageSize, prefix: "DPUB", code: NSQServerError.badMessage, tooBig: "message") {
            case nil: return nil
            case .failure(let error): return fail(error)
            case .success(let body): return .command(.dpub(topic: string(params[1]), deferMilliseconds: deferMs, body: body))
            }
        case "MPUB":
            guard params.count >= 2 else { return fail(NSQServerError.invalid, "MPUB insufficient number of parameters") }
            switch sizedBody(limit: maxBodySize, prefix: "MPUB", code: NSQServerError.badBody, tooBig: "body") {
            case nil: return nil
            case .failure(let error): return fail(error)
            case .success(var body):
                guard let count = body.readInteger(as: Int32.self), count > 0 else {
                    return fail(NSQServerError.badBody, "MPUB invalid message count")
                }
                var bodies: [ByteBuffer] = []
                for index in 0..<Int(count) {
                    guard let size = body.readInteger(as: Int32.self) else {
                        return fail(NSQServerError.badBody, "MPUB failed to read message(\(index)) body size")
                    }
                    if size <= 0 { return fail(NSQServerError.badMessage, "MPUB invalid message(\(index)) body size \(size)") }
                    if Int(size) > maxMessageSize {
                        return fail(NSQServerError.badMessage, "MPUB message too big \(size) > \(maxMessageSize)")
                    }
                    guard let message = body.readSlice(length: Int(size)) else {
                        return fail(NSQServerError.badBody, "MPUB failed to read message(\(index)) body")
                    }
                    bodies.append(message)
                }
                guard body.readableBytes == 0 else { return fail(NSQServerError.badBody, "MPUB body has trailing bytes") }
                return .command(.mpub(topic: string(params[1]), bodies: bodies))
            }
        case "SUB":
            consumeLine()
            guard params.count >= 3 else { return fail(NSQServerError.invalid, "SUB insufficient number of parameters") }
            return .command(.sub(topic: string(params[1]), channel: string(params[2])))
        case "RDY":
            consumeLine()
            if params.count == 1 { return .command(.rdy(1)) }
            guard let count = Int64(string(params[1])) else {
                return fail(NSQServerError.invalid, "RDY could not parse count \(string(params[1]))")
            }
            return .command(.rdy(count))
        case "FIN", "TOUCH":
            consumeLine()
            guard params.count >= 2 else { return fail(NSQServerError.invalid, "\(name) insufficient number of params") }
            guard let id = messageID(params[1]) else { return fail(NSQServerError.invalid, "Invalid Message ID") }
            return .command(name == "FIN" ? .fin(id) : .touch(id))
        case "REQ":
            consumeLine()
            guard params.count >= 3 else { return fail(NSQServerError.invalid, "REQ insufficient number of params") }
            guard let id = messageID(params[1]) else { return fail(NSQServerError.invalid, "Invalid Message ID") }
            guard let delay = Int64(string(params[2])) else {
                return fail(NSQServerError.invalid, "REQ could not parse timeout \(string(params[2]))")
            }
            return .command(.req(id, delayMilliseconds: delay))
        case "CLS":
            consumeLine()
            return .command(.cls)
        case "NOP":
            consumeLine()
            return .command(.nop)
        default:
            consumeLine()
            return fail(NSQServerError.invalid, "invalid command \(name)")
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> NSQClientInput? {
        try decode(buffer: &buffer)
    }

    private mutating func fail(_ code: String, _ text: String) -> NSQClientInput {
        fail(NSQServerError(code: code, message: "\(code) \(text)"))
    }

    private mutating func fail(_ error: NSQServerError) -> NSQClientInput {
        failed = true
        return .invalid(error)
    }
}
