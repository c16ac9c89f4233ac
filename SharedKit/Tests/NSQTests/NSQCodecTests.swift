import NSQTestSupport
import NIOCore
import Testing

@testable import NSQ

/// Byte-for-byte checks of the wire format against examples written out from the TCP protocol spec.
@Suite struct NSQCodecTests {
    let id = NSQMessageID("0123456789abcdef")!

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    static func be32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }

    @Test func magicIsTwoSpacesV2() throws {
        #expect(try NSQCommandEncoder.bytes(of: .magicV2) == [0x20, 0x20, 0x56, 0x32])
    }

    @Test func lineCommands() throws {
        #expect(try NSQCommandEncoder.bytes(of: .sub(topic: "images", channel: "ch")) == Self.bytes("SUB images ch\n"))
        #expect(try NSQCommandEncoder.bytes(of: .rdy(100)) == Self.bytes("RDY 100\n"))
        #expect(try NSQCommandEncoder.bytes(of: .fin(id)) == Self.bytes("FIN 0123456789abcdef\n"))
        #expect(try NSQCommandEncoder.bytes(of: .req(id, delayMilliseconds: 5000)) == Self.bytes("REQ 0123456789abcdef 5000\n"))
        #expect(try NSQCommandEncoder.bytes(of: .touch(id)) == Self.bytes("TOUCH 0123456789abcdef\n"))
        #expect(try NSQCommandEncoder.bytes(of: .cls) == Self.bytes("CLS\n"))
        #expect(try NSQCommandEncoder.bytes(of: .nop) == Self.bytes("NOP\n"))
    }

    @Test func bodyCommandsAreSizePrefixed() throws {
        let json = #"{"client_id":"a"}"#
        #expect(try NSQCommandEncoder.bytes(of: .identify(ByteBuffer(string: json)))
            == Self.bytes("IDENTIFY\n") + Self.be32(UInt32(json.utf8.count)) + Self.bytes(json))
        #expect(try NSQCommandEncoder.bytes(of: .auth(ByteBuffer(string: "s3cret")))
            == Self.bytes("AUTH\n") + Self.be32(6) + Self.bytes("s3cret"))
        let body: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0]
        #expect(try NSQCommandEncoder.bytes(of: .pub(topic: "images", body: ByteBuffer(bytes: body)))
            == Self.bytes("PUB images\n") + Self.be32(8) + body)
        #expect(try NSQCommandEncoder.bytes(of: .dpub(topic: "images", deferMilliseconds: 1500, body: ByteBuffer(bytes: body)))
            == Self.bytes("DPUB images 1500\n") + Self.be32(8) + body)
    }

    @Test func mpubFraming() throws {
        // MPUB <topic>\n[4-byte body size][4-byte num messages][4-byte size][data]...
        let encoded = try NSQCommandEncoder.bytes(of: .mpub(topic: "t", bodies: [ByteBuffer(string: "a"), ByteBuffer(string: "bc")]))
        let expected = Self.bytes("MPUB t\n") + Self.be32(4 + 4 + 1 + 4 + 2) + Self.be32(2)
            + Self.be32(1) + Self.bytes("a") + Self.be32(2) + Self.bytes("bc")
        #expect(encoded == expected)
    }

    @Test func responseErrorAndHeartbeatFrames() throws {
        let processor = NIOSingleStepByteToMessageProcessor(NSQFrameDecoder())
        var frames: [NSQFrame] = []
        let input = Self.be32(6) + Self.be32(0) + Self.bytes("OK")
            + Self.be32(15) + Self.be32(0) + Self.bytes("_heartbeat_")
            + Self.be32(4 + 20) + Self.be32(1) + Self.bytes("E_BAD_TOPIC bad name")
        try processor.process(buffer: ByteBuffer(bytes: input)) { frames.append($0) }
        #expect(frames == [.response("OK"), .response("_heartbeat_"), .error("E_BAD_TOPIC bad name")])
        #expect(try NSQFrameEncoder.bytes(of: .response("OK")) == Self.be32(6) + Self.be32(0) + Self.bytes("OK"))
    }

    @Test func messageFrameLayout() throws {
        // [size][type 2][8-byte timestamp][2-byte attempts][16-byte id][body]
        let timestamp: Int64 = 0x0102_0304_0506_0708
        let body: [UInt8] = [42, 0, 0, 0, 0, 0, 0, 0]
        let wire = Self.be32(4 + 8 + 2 + 16 + 8) + Self.be32(2)
            + [1, 2, 3, 4, 5, 6, 7, 8] + [0, 3] + Self.bytes("0123456789abcdef") + body
        let processor = NIOSingleStepByteToMessageProcessor(NSQFrameDecoder())
        var frames: [NSQFrame] = []
        try processor.process(buffer: ByteBuffer(bytes: wire)) { frames.append($0) }
        let expected = NSQMessage(timestamp: timestamp, attempts: 3, id: id, body: ByteBuffer(bytes: body))
        #expect(frames == [.message(expected)])
        #expect(try NSQFrameEncoder.bytes(of: .message(expected)) == wire)
    }

    @Test func framesSplitAcrossSegmentsDecodeWhenFedByteByByte() throws {
        let message = NSQMessage(timestamp: 99, attempts: 1, id: id, body: ByteBuffer(string: "hello"))
        let frames: [NSQFrame] = [.response("OK"), .message(message), .error("E_FIN_FAILED FIN x failed"), .response("_heartbeat_")]
        var wire: [UInt8] = []
        for frame in frames { wire += try NSQFrameEncoder.bytes(of: frame) }
        let processor = NIOSingleStepByteToMessageProcessor(NSQFrameDecoder())
        var decoded: [NSQFrame] = []
        for byte in wire {
            try processor.process(buffer: ByteBuffer(bytes: [byte])) { decoded.append($0) }
        }
        #expect(decoded == frames)
    }

    @Test func malformedFramesAreRejected() throws {
        let unknownType = NIOSingleStepByteToMessageProcessor(NSQFrameDecoder())
        #expect(throws: NSQError.self) {
            try unknownType.process(buffer: ByteBuffer(bytes: Self.be32(5) + Self.be32(7) + [0])) { _ in }
        }
        let shortMessage = NIOSingleStepByteToMessageProcessor(NSQFrameDecoder())
        #expect(throws: NSQError.self) {
            try shortMessage.process(buffer: ByteBuffer(bytes: Self.be32(8) + Self.be32(2) + [0, 0, 0, 0])) { _ in }
        }
        let oversized = NIOSingleStepByteToMessageProcessor(NSQFrameDecoder(maximumFrameSize: 100))
        #expect(throws: NSQError.self) {
            try oversized.process(buffer: ByteBuffer(bytes: Self.be32(101) + Self.be32(0))) { _ in }
        }
    }

    @Test func serverSideDecoderReadsEveryCommandByteByByte() throws {
        let commands: [NSQCommand] = [
            .identify(ByteBuffer(string: #"{"feature_negotiation":true}"#)),
            .sub(topic: "images", channel: "ch#ephemeral"),
            .pub(topic: "images", body: ByteBuffer(string: "12345678")),
            .mpub(topic: "images", bodies: [ByteBuffer(string: "a"), ByteBuffer(string: "bb"), ByteBuffer(string: "ccc")]),
            .dpub(topic: "images", deferMilliseconds: 250, body: ByteBuffer(string: "x")),
            .rdy(7), .fin(id), .req(id, delayMilliseconds: 0), .touch(id), .nop, .cls,
        ]
        var wire = try NSQCommandEncoder.bytes(of: .magicV2)
        for command in commands { wire += try NSQCommandEncoder.bytes(of: command) }
        let processor = NIOSingleStepByteToMessageProcessor(NSQCommandDecoder())
        var decoded: [NSQClientInput] = []
        for byte in wire {
            try processor.process(buffer: ByteBuffer(bytes: [byte])) { decoded.append($0) }
        }
        #expect(decoded == [.magic(NSQCommand.magicBytes)] + commands.map { .command($0) })
    }

    @Test func serverSideDecoderAppliesNsqdLimits() throws {
        func decode(_ wire: [UInt8], maxMessageSize: Int = 1_048_576) throws -> [NSQClientInput] {
            let processor = NIOSingleStepByteToMessageProcessor(NSQCommandDecoder(maxMessageSize: maxMessageSize))
            var out: [NSQClientInput] = []
            try processor.process(buffer: ByteBuffer(bytes: Self.bytes("  V2") + wire)) { out.append($0) }
            return Array(out.dropFirst())
        }
        let empty = try decode(Self.bytes("PUB t\n") + Self.be32(0))
        guard case .invalid(let emptyError) = empty.first else { Issue.record("expected an error"); return }
        #expect(emptyError.code == "E_BAD_MESSAGE")
        let tooBig = try decode(Self.bytes("PUB t\n") + Self.be32(11), maxMessageSize: 10)
        guard case .invalid(let tooBigError) = tooBig.first else { Issue.record("expected an error"); return }
        #expect(tooBigError.code == "E_BAD_MESSAGE")
        let unknown = try decode(Self.bytes("HELLO\n"))
        #expect(unknown == [.invalid(NSQServerError(code: "E_INVALID", message: "E_INVALID invalid command HELLO"))])
        #expect(try decode(Self.bytes("RDY\n")) == [.command(.rdy(1))])
    }

    @Test func errorFrameParsing() {
        let error = NSQServerError(frameData: "E_BAD_TOPIC PUB topic name \"a b\" is not valid")
        #expect(error.code == "E_BAD_TOPIC")
        #expect(!error.isMessageScoped)
        #expect(NSQServerError(frameData: "E_FIN_FAILED FIN 1 failed").isMessageScoped)
        #expect(NSQServerError(frameData: "E_INVALID").code == "E_INVALID")
    }

    @Test(arguments: [
        ("images", true), ("a", true), ("ch#ephemeral", true), ("A.b_c-9", true),
        (String(repeating: "x", count: 64), true), (String(repeating: "x", count: 65), false),
        (String(repeating: "x", count: 54) + "#ephemeral", true), (String(repeating: "x", count: 55) + "#ephemeral", false),
        ("", false), ("#ephemeral", false), ("has space", false), ("slash/", false), ("x#other", false), ("ümlaut", false),
    ])
    func nameValidation(name: String, valid: Bool) {
        #expect(NSQNames.isValid(name) == valid)
    }

    @Test func identifyJSONUsesSpecKeys() throws {
        let request = NSQIdentifyRequest(clientID: "c", hostname: "h", userAgent: "ua", featureNegotiation: true, heartbeatInterval: 1000, msgTimeout: 2000)
        let json = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        for key in ["\"client_id\":\"c\"", "\"hostname\":\"h\"", "\"user_agent\":\"ua\"", "\"feature_negotiation\":true",
            "\"heartbeat_interval\":1000", "\"msg_timeout\":2000"]
        {
            #expect(json.contains(key), "\(key) missing from \(json)")
        }
        #expect(!json.contains("tls_v1") && !json.contains("snappy") && !json.contains("deflate"))
        let reply = #"{"max_rdy_count":2500,"version":"1.2.1","max_msg_timeout":900000,"msg_timeout":60000,"tls_v1":false,"deflate":false,"deflate_level":6,"max_deflate_level":6,"snappy":false,"sample_rate":0,"auth_required":false,"output_buffer_size":16384,"output_buffer_timeout":250}"#
        let decoded = try JSONDecoder().decode(NSQIdentifyResponse.self, from: Data(reply.utf8))
        #expect(decoded.maxRdyCount == 2500 && decoded.msgTimeout == 60000 && decoded.version == "1.2.1" && decoded.authRequired == false)
    }

    @Test func lookupResponseShapes() throws {
        let current = #"{"channels":["ch"],"producers":[{"remote_address":"10.0.0.1:5000","hostname":"n1","broadcast_address":"nsqd-0.nsqd","tcp_port":4150,"http_port":4151,"version":"1.2.1"}]}"#
        let legacy = #"{"status_code":200,"status_txt":"OK","data":{"channels":["ch"],"producers":[{"broadcast_address":"nsqd-0.nsqd","hostname":"n1","tcp_port":4150,"http_port":4151,"version":"0.2.18"}]}}"#
        for json in [current, legacy] {
            let decoded = try JSONDecoder().decode(NSQLookupResponse.self, from: Data(json.utf8))
            #expect(decoded.allProducers.map(\.tcpAddress) == [NSQAddress(host: "nsqd-0.nsqd", port: 4150)])
        }
    }

    @Test func addressParsing() throws {
        #expect(try NSQAddress(parsing: "nsqd:4150") == NSQAddress(host: "nsqd", port: 4150))
        #expect(try NSQAddress(parsing: "http://lookupd:4161/", defaultPort: 1) == NSQAddress(host: "lookupd", port: 4161))
        #expect(try NSQAddress(parsing: "lookupd", defaultPort: 4161) == NSQAddress(host: "lookupd", port: 4161))
        #expect(try NSQAddress(parsing: "[::1]:4150") == NSQAddress(host: "::1", port: 4150))
        #expect(throws: NSQError.self) { try NSQAddress(parsing: "nsqd") }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
