public struct NSQConsumerConfiguration: Sendable {
    public var topic: String
    public var channel: String
    /// nsqd to connect to directly, `host:port` (reconnected with backoff when they go away).
    public var nsqdTCPAddresses: [String] = []
    /// nsqlookupd HTTP endpoints (`host:port`, default port 4161) polled for the topic's producers.
    public var lookupdHTTPAddresses: [String] = []
    /// Messages handled at once across all connections; spread over the connections as RDY counts.
    public var maxInFlight: Int = 1
    public var lookupdPollInterval: Duration = .seconds(60)
    /// Up to this fraction of the interval is added at random to each poll, so consumers spread out.
    public var lookupdPollJitter: Double = 0.3
    public var lookupdRequestTimeout: Duration = .seconds(5)
    public var clientID: String = NSQClientIdentity.shortHostname
    public var hostname: String = NSQClientIdentity.hostname
    public var userAgent: String = NSQClientIdentity.userAgent
    /// nsqd accepts 1 s ... 60 s (its `--max-heartbeat-interval`). Consumers cannot disable heartbeats:
    /// nsqd refuses SUB on a connection without them.
    public var heartbeatInterval: Duration = .seconds(30)
    /// Per-connection message timeout to ask for; nil keeps nsqd's `--msg-timeout`. nsqd accepts 1 s ... max.
    public var msgTimeout: Duration?
    /// How long nsqd may buffer message frames before writing them (`output_buffer_timeout`); nil keeps
    /// nsqd's 250 ms. Lower means less latency on quiet topics and more syscalls on busy ones.
    public var outputBufferTimeout: Duration?
    public var authSecret: String?
    public var connectTimeout: Duration = .seconds(5)
    public var responseTimeout: Duration = .seconds(10)
    /// Delay before reconnecting to an nsqd after its connection was lost or a connect failed. Applies to
    /// direct addresses and to nsqd found through lookupd alike: a consumer that has seen an nsqd dials it
    /// again itself instead of waiting for the next lookupd poll (lookupd may be down, or not list the nsqd
    /// again until it re-registers). The cap keeps recovery after an nsqd restart within seconds.
    public var reconnectBackoff = NSQBackoffPolicy(initial: .milliseconds(250), maximum: .seconds(5))
    /// A lookupd-discovered nsqd that stays unreachable this long, and that a lookupd which answered no
    /// longer lists, is forgotten (it was scaled away); until then it is redialled with `reconnectBackoff`.
    public var forgetUnlistedNSQDAfter: Duration = .seconds(300)
    /// After a requeue the consumer pauses (RDY 0 everywhere) for an exponentially growing time, then tests
    /// with RDY 1, and returns to full speed after as many successes. nil disables.
    public var requeueBackoff: NSQBackoffPolicy? = NSQBackoffPolicy(initial: .seconds(1), maximum: .seconds(60), jitter: 0)
    /// When `maxInFlight` is below the number of connections, RDY 1 rotates between them at this interval.
    public var rdyRedistributeInterval: Duration = .seconds(5)
    /// How long a graceful stop waits for nsqd's `CLOSE_WAIT`.
    public var closeWaitTimeout: Duration = .seconds(10)

    public init(topic: String, channel: String) {
        self.topic = topic
        self.channel = channel
    }

    func validate() throws {
        try NSQNames.validateTopic(topic)
        try NSQNames.validateChannel(channel)
        guard maxInFlight >= 1 else { throw NSQError.invalidArgument("maxInFlight must be at least 1") }
        guard !nsqdTCPAddresses.isEmpty || !lookupdHTTPAddresses.isEmpty else {
            throw NSQError.invalidArgument("give at least one nsqd TCP address or nsqlookupd HTTP address")
        }
        if heartbeatInterval < .seconds(1) {
            throw NSQError.invalidArgument("heartbeatInterval below 1 s is rejected by nsqd")
        }
        if let msgTimeout, msgTimeout < .seconds(1) {
            throw NSQError.invalidArgument("msgTimeout below 1 s is rejected by nsqd")
        }
    }
}
