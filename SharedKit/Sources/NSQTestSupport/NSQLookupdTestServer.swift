import NSQ
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An in-process stand-in for nsqlookupd's HTTP `/lookup` and `/ping`, for tests: it answers with the
/// producers it is told about, in the 1.x shape or the old wrapped one, and 404 `TOPIC_NOT_FOUND` for
/// topics without producers.
public final class NSQLookupdTestServer: Sendable {
    public enum ResponseShape: Sendable {
        /// nsqlookupd 1.x: `{"channels":[...],"producers":[...]}`, 404 `{"message":"TOPIC_NOT_FOUND"}`.
        case current
        /// Before 1.0: `{"status_code":200,"status_txt":"OK","data":{...}}`.
        case legacyWrapped
    }

    struct State {
        var producers: [String: [NSQLookupProducer]] = [:]
        var shape = ResponseShape.current
        var lookups = 0
    }

    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    let shared: SharedState

    final class SharedState: Sendable {
        let state = Mutex(State())
    }

    public var address: String { "127.0.0.1:\(port)" }

    private init(port: Int, group: MultiThreadedEventLoopGroup, channel: any Channel, shared: SharedState) {
        self.port = port
        self.group = group
        self.channel = channel
        self.shared = shared
    }

    public static func start(shape: ResponseShape = .current) async throws -> NSQLookupdTestServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let shared = SharedState()
        shared.state.withLock { $0.shape = shape }
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(LookupdHTTPHandler(shared: shared))
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
            return NSQLookupdTestServer(port: channel.localAddress?.port ?? 0, group: group, channel: channel, shared: shared)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    public func setProducers(_ producers: [NSQLookupProducer], topic: String) {
        shared.state.withLock { $0.producers[topic] = producers }
    }

    /// How many `/lookup` requests were answered.
    public var lookupCount: Int { shared.state.withLock { $0.lookups } }

    public func stop() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }
}

private final class LookupdHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let shared: NSQLookupdTestServer.SharedState
    private var uri = ""

    init(shared: NSQLookupdTestServer.SharedState) {
        self.shared = shared
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): uri = head.uri
        case .body: break
        case .end: respond(context: context)
        }
    }

    private func respond(context: ChannelHandlerContext) {
        let (path, query) = splitURI(uri)
        var status = HTTPResponseStatus.ok
        var body = "OK"
        var contentType = "text/plain"
        if path == "/lookup" {
            contentType = "application/json; charset=utf-8"
            let topic = query["topic"] ?? ""
            let (producers, shape) = shared.state.withLock { state in
                state.lookups += 1
                return (state.producers[topic] ?? [], state.shape)
            }
            let encoder = JSONEncoder()
            let producersJSON = String(decoding: (try? encoder.encode(producers)) ?? Data("[]".utf8), as: UTF8.self)
            let found = !producers.isEmpty
            switch (shape, found) {
            case (.current, true):
                body = #"{"channels":[],"producers":\#(producersJSON)}"#
            case (.current, false):
                status = .notFound
                body = #"{"message":"TOPIC_NOT_FOUND"}"#
            case (.legacyWrapped, true):
                body = #"{"status_code":200,"status_txt":"OK","data":{"channels":[],"producers":\#(producersJSON)}}"#
            case (.legacyWrapped, false):
                status = .notFound
                body = #"{"status_code":404,"status_txt":"TOPIC_NOT_FOUND","data":null}"#
            }
        } else if path != "/ping" {
            status = .notFound
            body = #"{"message":"NOT_FOUND"}"#
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    private func splitURI(_ uri: String) -> (String, [String: String]) {
        let parts = uri.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                query[String(kv[0])] = kv.count > 1 ? String(kv[1]).replacingPercentEscapes() : ""
            }
        }
        return (String(parts.first ?? ""), query)
    }
}

extension String {
    fileprivate func replacingPercentEscapes() -> String {
        var bytes: [UInt8] = []
        var iterator = Array(utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
