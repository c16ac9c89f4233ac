import NSQ
import NIOCore

/// Writes `NSQFrame`s as nsqd does. Used by `NSQTestServer` and by codec tests.
public struct NSQFrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = NSQFrame

    public init() {}

    public func encode(data frame: NSQFrame, out: inout ByteBuffer) throws {
        switch frame {
        case .response(let data):
            out.writeInteger(UInt32(4 + data.readableBytes))
            out.writeInteger(NSQFrame.typeResponse)
            out.writeImmutableBuffer(data)
        case .error(let data):
            out.writeInteger(UInt32(4 + data.readableBytes))
            out.writeInteger(NSQFrame.typeError)
            out.writeImmutableBuffer(data)
        case .message(let message):
            out.writeInteger(UInt32(4 + NSQMessage.headerSize + message.body.readableBytes))
            out.writeInteger(NSQFrame.typeMessage)
            out.writeInteger(message.timestamp)
            out.writeInteger(message.attempts)
            out.writeBytes(message.id.bytes)
            out.writeImmutableBuffer(message.body)
        }
    }

    public static func bytes(of frame: NSQFrame) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try NSQFrameEncoder().encode(data: frame, out: &buffer)
        return Array(buffer.readableBytesView)
    }
}
