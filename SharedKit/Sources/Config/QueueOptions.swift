import ArgumentParser

/// Which queue carries image ids, with the sample's NSQ flag names.
public struct QueueOptions: ParsableArguments, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        /// NSQ: the cluster default, as in the sample.
        case nsq
        /// The images table itself: the one-machine default.
        case mysql
    }

    @Option(name: .customLong("queue"), help: "nsq or mysql. Env: QUEUE. Default: nsq")
    public var kind: String?

    @Option(
        name: .customLong("producer-address"),
        help: "nsqd TCP address to publish to (host:port). Env: NSQD_TCP_ADDRESS, NSQ_PRODUCER_ADDRESS. Default: 127.0.0.1:4150")
    public var producerAddress: String?

    @Option(
        name: .customLong("nsq-lookup-address"),
        help: "nsqlookupd HTTP address to discover nsqd from (host:port). Env: NSQLOOKUPD_HTTP_ADDRESS, NSQ_LOOKUP_ADDRESS. Default: 127.0.0.1:4161")
    public var lookupAddress: String?

    @Option(name: .customLong("nsqd-address"), help: "Direct nsqd TCP address(es) for consumers, comma separated. Env: NSQD_ADDRESSES")
    public var nsqdAddresses: String?

    @Option(name: .customLong("nsq-topic"), help: "Topic. Env: NSQ_TOPIC. Default: images")
    public var topic: String?

    @Option(name: .customLong("nsq-channel"), help: "Consumer channel. Env: NSQ_CHANNEL. Default: ch")
    public var channel: String?

    public init() {}

    public struct Resolved: Sendable {
        public var kind: Kind
        public var producer: HostPort
        public var lookupd: HostPort?
        public var nsqd: [HostPort]
        public var topic: String
        public var channel: String
    }

    public func resolve(_ reader: SettingsReader = SettingsReader(), defaultKind: Kind = .nsq) throws -> Resolved {
        let kind = try reader.choice(self.kind, "queue", env: ["QUEUE"], default: defaultKind)
        let producer = try reader.address(
            producerAddress, "producer-address", env: ["NSQD_TCP_ADDRESS", "NSQ_PRODUCER_ADDRESS"],
            default: "127.0.0.1:4150", defaultPort: 4150)!
        var nsqd: [HostPort] = []
        if let list = reader.optionalString(nsqdAddresses, "nsqd-address", env: ["NSQD_ADDRESSES"]) {
            for item in list.split(separator: ",") {
                guard let address = HostPort(parsing: String(item), defaultPort: 4150) else {
                    throw ConfigurationError("invalid nsqd address \"\(item)\" in --nsqd-address / NSQD_ADDRESSES")
                }
                nsqd.append(address)
            }
        }
        let lookupd = try reader.address(
            lookupAddress, "nsq-lookup-address", env: ["NSQLOOKUPD_HTTP_ADDRESS", "NSQ_LOOKUP_ADDRESS"],
            default: nsqd.isEmpty ? "127.0.0.1:4161" : nil, defaultPort: 4161)
        let topic = reader.string(topic, "nsq-topic", env: ["NSQ_TOPIC"], default: "images")
        let channel = reader.string(channel, "nsq-channel", env: ["NSQ_CHANNEL"], default: "ch")
        return Resolved(kind: kind, producer: producer, lookupd: lookupd, nsqd: nsqd, topic: topic, channel: channel)
    }
}
