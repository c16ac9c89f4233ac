import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One nsqd that nsqlookupd lists as a producer of a topic.
public struct NSQLookupProducer: Codable, Sendable, Equatable {
    public var broadcastAddress: String
    public var hostname: String?
    public var remoteAddress: String?
    public var tcpPort: Int
    public var httpPort: Int?
    public var version: String?

    public init(broadcastAddress: String, hostname: String? = nil, remoteAddress: String? = nil, tcpPort: Int, httpPort: Int? = nil, version: String? = nil) {
        self.broadcastAddress = broadcastAddress
        self.hostname = hostname
        self.remoteAddress = remoteAddress
        self.tcpPort = tcpPort
        self.httpPort = httpPort
        self.version = version
    }

    /// Clients connect to `broadcast_address:tcp_port`.
    public var tcpAddress: NSQAddress { NSQAddress(host: broadcastAddress, port: tcpPort) }

    enum CodingKeys: String, CodingKey {
        case broadcastAddress = "broadcast_address"
        case hostname
        case remoteAddress = "remote_address"
        case tcpPort = "tcp_port"
        case httpPort = "http_port"
        case version
    }
}

/// The `/lookup` reply in either shape: nsqlookupd 1.x (`{"channels":..,"producers":..}`) or the old
/// wrapped one (`{"status_code":200,"status_txt":"OK","data":{...}}`).
struct NSQLookupResponse: Decodable {
    struct Payload: Decodable {
        var channels: [String]?
        var producers: [NSQLookupProducer]?
    }

    var channels: [String]?
    var producers: [NSQLookupProducer]?
    var data: Payload?
    var message: String?
    var statusCode: Int?
    var statusText: String?

    enum CodingKeys: String, CodingKey {
        case channels, producers, data, message
        case statusCode = "status_code"
        case statusText = "status_txt"
    }

    var allProducers: [NSQLookupProducer] { producers ?? data?.producers ?? [] }
}

/// Asks nsqlookupd which nsqd produce a topic: `GET /lookup?topic=T` over plain NIOHTTP1.
public struct NSQLookupdClient: Sendable {
    public var timeout: Duration
    private let group: any EventLoopGroup

    public init(timeout: Duration = .seconds(5), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.timeout = timeout
        self.group = eventLoopGroup
    }

    /// The producers of `topic`; empty when nsqlookupd does not know the topic yet (404 TOPIC_NOT_FOUND).
    public func lookup(topic: String, lookupdHTTPAddress: String) async throws -> [NSQLookupProducer] {
        try NSQNames.validateTopic(topic)
        let address = try NSQAddress(parsing: lookupdHTTPAddress, defaultPort: 4161)
        let (status, body) = try await get(address: address, path: "/lookup?topic=\(Self.percentEncoded(topic))")
        let decoded: NSQLookupResponse?
        do {
            decoded = body.isEmpty ? nil : try JSONDecoder().decode(NSQLookupResponse.self, from: Data(body))
        } catch {
            throw NSQError.lookupFailed("\(address) answered \(status) with a body that is not lookup JSON")
        }
        // Old nsqlookupd answer 200 with the real status inside the body.
        let effectiveStatus = decoded?.statusCode ?? Int(status.code)
        let message = decoded?.message ?? decoded?.statusText
        if effectiveStatus == 404, message == "TOPIC_NOT_FOUND" || message == nil { return [] }
        guard effectiveStatus == 200, let decoded else {
            throw NSQError.lookupFailed("\(address) answered \(effectiveStatus) \(message ?? "")")
        }
        return decoded.allProducers
    }

    private static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }

    private func get(address: NSQAddress, path: String) async throws -> (HTTPResponseStatus, [UInt8]) {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: (HTTPResponseStatus, [UInt8]).self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(timeout.timeAmount)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(HTTPResponseCollector(promise: promise))
                    }
                }
                .connect(host: address.host, port: address.port)
                .get()
        } catch {
            promise.fail(error)
            throw NSQError.lookupFailed("cannot connect to \(address): \(error)")
        }
        let description = "\(address)"
        let timer = eventLoop.scheduleTask(in: timeout.timeAmount) {
            promise.fail(NSQError.lookupFailed("\(description) did not answer within the timeout"))
            channel.close(promise: nil)
        }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: description)
        // Makes pre-1.0 nsqlookupd answer in the 1.x shape too.
        head.headers.add(name: "Accept", value: "application/vnd.nsq; version=1.0")
        head.headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        do {
            return try await promise.futureResult.get()
        } catch let error as NSQError {
            throw error
        } catch {
            throw NSQError.lookupFailed("\(description): \(error)")
        }
    }
}

/// Collects one HTTP response.
private final class HTTPResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<(HTTPResponseStatus, [UInt8])>
    private var status: HTTPResponseStatus = .ok
    private var body: [UInt8] = []

    init(promise: EventLoopPromise<(HTTPResponseStatus, [UInt8])>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = head.status
        case .body(let buffer): body += buffer.readableBytesView
        case .end: promise.succeed((status, body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(NSQError.lookupFailed("connection closed before the response ended"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
