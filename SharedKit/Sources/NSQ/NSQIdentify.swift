/// The IDENTIFY JSON body. Unset fields are omitted so nsqd keeps its defaults. We never ask for TLS,
/// snappy or deflate, so the connection stays plain V2 after the reply.
public struct NSQIdentifyRequest: Codable, Sendable, Equatable {
    public var clientID: String?
    public var hostname: String?
    public var userAgent: String?
    public var featureNegotiation: Bool?
    /// Milliseconds; -1 disables heartbeats; nsqd accepts 1000...max_heartbeat_interval.
    public var heartbeatInterval: Int64?
    /// Milliseconds; nsqd accepts 1000...max_msg_timeout.
    public var msgTimeout: Int64?
    public var outputBufferSize: Int64?
    public var outputBufferTimeout: Int64?
    public var sampleRate: Int?

    public init(
        clientID: String? = nil, hostname: String? = nil, userAgent: String? = nil, featureNegotiation: Bool? = true,
        heartbeatInterval: Int64? = nil, msgTimeout: Int64? = nil, outputBufferSize: Int64? = nil,
        outputBufferTimeout: Int64? = nil, sampleRate: Int? = nil
    ) {
        self.clientID = clientID
        self.hostname = hostname
        self.userAgent = userAgent
        self.featureNegotiation = featureNegotiation
        self.heartbeatInterval = heartbeatInterval
        self.msgTimeout = msgTimeout
        self.outputBufferSize = outputBufferSize
        self.outputBufferTimeout = outputBufferTimeout
        self.sampleRate = sampleRate
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case hostname
        case userAgent = "user_agent"
        case featureNegotiation = "feature_negotiation"
        case heartbeatInterval = "heartbeat_interval"
        case msgTimeout = "msg_timeout"
        case outputBufferSize = "output_buffer_size"
        case outputBufferTimeout = "output_buffer_timeout"
        case sampleRate = "sample_rate"
    }
}

/// nsqd's IDENTIFY reply when `feature_negotiation` is true. Every field optional: older nsqd omit some.
public struct NSQIdentifyResponse: Codable, Sendable, Equatable {
    public var maxRdyCount: Int64?
    public var version: String?
    /// Milliseconds.
    public var maxMsgTimeout: Int64?
    /// Milliseconds: the timeout that applies to this connection.
    public var msgTimeout: Int64?
    public var tlsV1: Bool?
    public var deflate: Bool?
    public var deflateLevel: Int?
    public var maxDeflateLevel: Int?
    public var snappy: Bool?
    public var sampleRate: Int?
    public var authRequired: Bool?
    public var outputBufferSize: Int64?
    public var outputBufferTimeout: Int64?

    public init(
        maxRdyCount: Int64? = nil, version: String? = nil, maxMsgTimeout: Int64? = nil, msgTimeout: Int64? = nil,
        tlsV1: Bool? = nil, deflate: Bool? = nil, deflateLevel: Int? = nil, maxDeflateLevel: Int? = nil,
        snappy: Bool? = nil, sampleRate: Int? = nil, authRequired: Bool? = nil, outputBufferSize: Int64? = nil,
        outputBufferTimeout: Int64? = nil
    ) {
        self.maxRdyCount = maxRdyCount
        self.version = version
        self.maxMsgTimeout = maxMsgTimeout
        self.msgTimeout = msgTimeout
        self.tlsV1 = tlsV1
        self.deflate = deflate
        self.deflateLevel = deflateLevel
        self.maxDeflateLevel = maxDeflateLevel
        self.snappy = snappy
        self.sampleRate = sampleRate
        self.authRequired = authRequired
        self.outputBufferSize = outputBufferSize
        self.outputBufferTimeout = outputBufferTimeout
    }

    enum CodingKeys: String, CodingKey {
        case maxRdyCount = "max_rdy_count"
        case version
        case maxMsgTimeout = "max_msg_timeout"
        case msgTimeout = "msg_timeout"
        case tlsV1 = "tls_v1"
        case deflate
        case deflateLevel = "deflate_level"
        case maxDeflateLevel = "max_deflate_level"
        case snappy
        case sampleRate = "sample_rate"
        case authRequired = "auth_required"
        case outputBufferSize = "output_buffer_size"
        case outputBufferTimeout = "output_buffer_timeout"
    }
}
