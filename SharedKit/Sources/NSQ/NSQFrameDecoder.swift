import NIOCore

/// Splits the nsqd byte stream into `NSQFrame`s, waiting for more bytes when a frame is split across
/// TCP segments. Frame: `[4-byte size][4-byte type][data]`, size = 4 + data length.
public struct NSQFrameDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = NSQFrame

    /// Frames larger than this are treated as a protocol violation rather than buffered forever.
    public var maximumFrameSize: Int

    public init(maximumFrameSize: Int = 16 * 1024 * 1024) {
        self.maximumFrameSize = maximumFrameSize
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> NSQFrame? {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard size >= 4 else { throw NSQError.protocolViolation("frame size \(size) is smaller than its type field") }
        guard size <= maximumFrameSize else {
            throw NSQError.protocolViolation("frame size \(size) exceeds the limit of \(maximumFrameSize) bytes")
        }
        guard buffer.readableBytes >= 4 + Int(size) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let type = buffer.readInteger(as: Int32.self)!
        let data = buffer.readSlice(length: Int(size) - 4)!
        return try Self.frame(type: type, data: data)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> NSQFrame? {
        try decode(buffer: &buffer)
    }

    static func frame(type: Int32, data: ByteBuffer) throws -> NSQFrame {
        switch type {
        case NSQFrame.typeResponse:
            return .response(data)
        case NSQFrame.typeError:
            return .error(data)
        case NSQFrame.typeMessage:
            var data = data
            guard data.readableBytes >= NSQMessage.headerSize,
                let timestamp = data.readInteger(as: Int64.self),
                let attempts = data.readInteger(as: UInt16.self),
                let idBytes = data.readBytes(length: NSQMessageID.byteCount),
                let id = NSQMessageID(bytes: idBytes)
            else {
                throw NSQError.protocolViolation("message frame of \(data.readableBytes) bytes is shorter than its header")
            }
            return .message(NSQMessage(timestamp: timestamp, attempts: attempts, id: id, body: data))
        default:
            throw NSQError.protocolViolation("unknown frame type \(type)")
        }
    }
}
