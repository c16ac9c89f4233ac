import NIOCore

/// Writes `NSQCommand`s in V2 wire format. All sizes are 4-byte big-endian.
public struct NSQCommandEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = NSQCommand

    public init() {}

    public func encode(data command: NSQCommand, out: inout ByteBuffer) throws {
        switch command {
        case .magicV2:
            out.writeBytes(NSQCommand.magicBytes)
        case .identify(let json):
            out.writeString("IDENTIFY\n")
            try Self.writeSized(json, into: &out)
        case .auth(let secret):
            out.writeString("AUTH\n")
            try Self.writeSized(secret, into: &out)
        case .sub(let topic, let channel):
            out.writeString("SUB \(topic) \(channel)\n")
        case .pub(let topic, let body):
            out.writeString("PUB \(topic)\n")
            try Self.writeSized(body, into: &out)
        case .mpub(let topic, let bodies):
            out.writeString("MPUB \(topic)\n")
            // Body = [count] + ([size][bytes])*, and the whole body is itself size-prefixed.
            let bodySize = 4 + bodies.reduce(0) { $0 + 4 + $1.readableBytes }
            out.writeInteger(try Self.size(bodySize))
            out.writeInteger(try Self.size(bodies.count))
            for body in bodies {
                try Self.writeSized(body, into: &out)
            }
        case .dpub(let topic, let deferMilliseconds, let body):
            out.writeString("DPUB \(topic) \(deferMilliseconds)\n")
            try Self.writeSized(body, into: &out)
        case .rdy(let count):
            out.writeString("RDY \(count)\n")
        case .fin(let id):
            out.writeString("FIN ")
            out.writeBytes(id.bytes)
            out.writeString("\n")
        case .req(let id, let delay):
            out.writeString("REQ ")
            out.writeBytes(id.bytes)
            out.writeString(" \(delay)\n")
        case .touch(let id):
            out.writeString("TOUCH ")
            out.writeBytes(id.bytes)
            out.writeString("\n")
        case .cls:
            out.writeString("CLS\n")
        case .nop:
            out.writeString("NOP\n")
        }
    }

    /// Convenience for tests and benchmarks: the exact bytes of one command.
    public static func bytes(of command: NSQCommand) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try NSQCommandEncoder().encode(data: command, out: &buffer)
        return Array(buffer.readableBytesView)
    }

    private static func size(_ count: Int) throws -> UInt32 {
        guard let size = UInt32(exactly: count) else { throw NSQError.invalidArgument("body of \(count) bytes is too large") }
        return size
    }

    private static func writeSized(_ body: ByteBuffer, into out: inout ByteBuffer) throws {
        out.writeInteger(try size(body.readableBytes))
        out.writeImmutableBuffer(body)
    }
}
