import NSQ
import NIOCore

/// A point-in-time view of `NSQTestServer`'s state, for assertions.
public struct NSQTestServerSnapshot: Sendable {
    public struct Client: Sendable {
        public var id: Int
        public var connected: Bool
        /// `initial`, `subscribed` or `closing` (nsqd's client states).
        public var state: String
        public var identify: NSQIdentifyRequest?
        /// The heartbeat interval in effect (ms); nil when disabled.
        public var heartbeatIntervalMs: Int64?
        public var msgTimeoutMs: Int64
        public var topic: String?
        public var channel: String?
        public var readyCount: Int64
        public var inFlight: Int
        /// The most messages this client ever had in flight at once.
        public var maxInFlightSeen: Int
        public var delivered: Int
        public var heartbeatsSent: Int
        public var nopCount: Int
        /// Every command received, e.g. `SUB t c`, `RDY 5`, `FIN <id>`, `REQ <id> 100`, `MPUB t 100`.
        public var commands: [String]
    }

    public struct Delivery: Sendable, Equatable {
        public var messageID: String
        public var attempts: UInt16
        public var clientID: Int
        public var body: ByteBuffer
    }

    public struct Channel: Sendable {
        public var topic: String
        public var name: String
        /// Messages waiting (deferred ones included).
        public var depth: Int
        public var deferred: Int
        public var inFlight: Int
        public var finished: Int
        public var requeued: Int
        public var timedOut: Int
        public var touched: Int
        public var deliveries: [Delivery]
    }

    public var clients: [Client]
    public var channels: [Channel]
    /// Bodies accepted per topic, in the order they were published.
    public var published: [String: [ByteBuffer]]

    public func channel(topic: String, name: String) -> Channel? {
        channels.first { $0.topic == topic && $0.name == name }
    }

    public var connectedClients: [Client] { clients.filter(\.connected) }

    public func publishedCount(topic: String) -> Int { published[topic]?.count ?? 0 }
}
