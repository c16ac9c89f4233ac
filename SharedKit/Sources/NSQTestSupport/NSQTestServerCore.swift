import NSQ
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `NSQTestServer`'s topics, channels and clients. Every method runs on `eventLoop` (all of the server's
/// connections share that one loop), so the state needs no locks.
final class NSQTestServerCore: @unchecked Sendable {
    struct StoredMessage {
        var id: NSQMessageID
        var body: ByteBuffer
        var timestamp: Int64
        var attempts: UInt16
    }

    struct InFlight {
        var message: StoredMessage
        var clientID: Int
        var deadline: NIODeadline
    }

    final class Channel {
        let topic: String
        let name: String
        var queue = CircularBuffer<StoredMessage>()
        var deferred: [(due: NIODeadline, message: StoredMessage)] = []
        var inFlight: [NSQMessageID: InFlight] = [:]
        var clientIDs: [Int] = []
        var nextClient = 0
        var finished = 0
        var requeued = 0
        var timedOut = 0
        var touched = 0
        var deliveries: [NSQTestServerSnapshot.Delivery] = []

        init(topic: String, name: String) {
            self.topic = topic
            self.name = name
        }
    }

    final class Topic {
        /// Messages published before the topic had any channel; the first channel gets them.
        var pending: [StoredMessage] = []
        var channels: [String: Channel] = [:]
    }

    enum ClientState: String {
        case initial, subscribed, closing
    }

    final class Client {
        let id: Int
        let channel: any NIOCore.Channel
        var state = ClientState.initial
        var connected = true
        var fatalSent = false
        var identify: NSQIdentifyRequest?
        var authorized = false
        var heartbeatInterval: TimeAmount?
        var msgTimeout: TimeAmount
        var topic: String?
        var channelName: String?
        var readyCount: Int64 = 0
        var inFlight = 0
        var maxInFlightSeen = 0
        var delivered = 0
        var heartbeatsSent = 0
        var nopCount = 0
        var commands: [String] = []
        var lastRead = NIODeadline.now()
        var heartbeatTask: RepeatedTask?

        init(id: Int, channel: any NIOCore.Channel, msgTimeout: TimeAmount, heartbeatInterval: TimeAmount) {
            self.id = id
            self.channel = channel
            self.msgTimeout = msgTimeout
            self.heartbeatInterval = heartbeatInterval
        }
    }

    let eventLoop: any EventLoop
    let configuration: NSQTestServer.Configuration
    private var topics: [String: Topic] = [:]
    private var clients: [Int: Client] = [:]
    private var clientOrder: [Int] = []
    private var published: [String: [ByteBuffer]] = [:]
    private var nextClientID = 1
    private var nextMessageID: UInt64 = 1
    private var scanTask: RepeatedTask?

    init(eventLoop: any EventLoop, configuration: NSQTestServer.Configuration) {
        self.eventLoop = eventLoop
        self.configuration = configuration
    }

    // MARK: Lifecycle

    func startScanning() {
        scanTask = eventLoop.scheduleRepeatedTask(initialDelay: configuration.scanInterval.timeAmount, delay: configuration.scanInterval.timeAmount) { [self] _ in
            scan()
        }
    }

    func shutdown() -> EventLoopFuture<Void> {
        scanTask?.cancel()
        return closeAllClients()
    }

    func closeAllClients() -> EventLoopFuture<Void> {
        let futures = clients.values.filter(\.connected).map { $0.channel.close() }
        return EventLoopFuture.andAllComplete(futures, on: eventLoop)
    }

    func addClient(channel: any NIOCore.Channel) -> Int {
        let id = nextClientID
        nextClientID += 1
        clients[id] = Client(id: id, channel: channel, msgTimeout: configuration.msgTimeout.timeAmount,
            heartbeatInterval: configuration.defaultHeartbeatInterval.timeAmount)
        clientOrder.append(id)
        return id
    }

    func removeClient(_ id: Int) {
        guard let client = clients[id], client.connected else { return }
        client.connected = false
        client.heartbeatTask?.cancel()
        if let topic = client.topic, let name = client.channelName, let channel = topics[topic]?.channels[name] {
            channel.clientIDs.removeAll { $0 == id }
        }
        // Like nsqd, its in-flight messages stay in flight until msg_timeout, then go back to the queue.
    }

    // MARK: Commands

    func handle(clientID: Int, input: NSQClientInput) {
        guard let client = clients[clientID], client.connected, !client.fatalSent else { return }
        client.lastRead = .now()
        switch input {
        case .magic(let bytes):
            guard bytes == NSQCommand.magicBytes else {
                fatal(client, NSQServerError(code: "E_BAD_PROTOCOL", message: "E_BAD_PROTOCOL client(\(clientID)) bad protocol magic"))
                return
            }
            startHeartbeat(client)
        case .invalid(let error):
            fatal(client, error)
        case .command(let command):
            if configuration.recordsCommands { client.commands.append(Self.describe(command)) }
            execute(command, from: client)
        }
    }

    private func execute(_ command: NSQCommand, from client: Client) {
        switch command {
        case .magicV2:
            break
        case .identify(let body):
            identify(client, body: body)
        case .auth(let secret):
            guard client.state == .initial else { return fatal(client, NSQServerError.invalid, "cannot AUTH in current state") }
            guard !client.authorized else { return fatal(client, NSQServerError.invalid, "AUTH already set") }
            guard let expected = configuration.authSecret else { return fatal(client, "E_AUTH_DISABLED", "AUTH disabled") }
            guard String(buffer: secret) == expected else { return fatal(client, NSQServerError.authFailed, "AUTH failed") }
            client.authorized = true
            send(.response(#"{"identity":"test-identity","identity_url":"","permission_count":1}"#), to: client)
        case .sub(let topic, let channel):
            guard client.state == .initial else { return fatal(client, NSQServerError.invalid, "cannot SUB in current state") }
            guard client.heartbeatInterval != nil else {
                return fatal(client, NSQServerError.invalid, "cannot SUB with heartbeats disabled")
            }
            guard NSQNames.isValid(topic) else { return fatal(client, NSQServerError.badTopic, "SUB topic name \"\(topic)\" is not valid") }
            guard NSQNames.isValid(channel) else { return fatal(client, NSQServerError.badChannel, "SUB channel name \"\(channel)\" is not valid") }
            guard authorized(client, "SUB") else { return }
            let channelState = channelFor(topic: topic, name: channel)
            channelState.clientIDs.append(client.id)
            client.topic = topic
            client.channelName = channel
            client.state = .subscribed
            send(.response(NSQFrame.ok), to: client)
        case .pub(let topic, let body):
            guard acceptTopic(topic, command: "PUB", client: client) else { return }
            publish(topic: topic, bodies: [body], defer: .zero)
            send(.response(NSQFrame.ok), to: client)
        case .mpub(let topic, let bodies):
            guard acceptTopic(topic, command: "MPUB", client: client) else { return }
            publish(topic: topic, bodies: bodies, defer: .zero)
            send(.response(NSQFrame.ok), to: client)
        case .dpub(let topic, let deferMs, let body):
            guard acceptTopic(topic, command: "DPUB", client: client) else { return }
            let maxMs = configuration.maxReqTimeout.nsqMilliseconds
            guard (0...maxMs).contains(deferMs) else {
                return fatal(client, NSQServerError.invalid, "DPUB timeout \(deferMs) out of range 0-\(maxMs)")
            }
            publish(topic: topic, bodies: [body], defer: .milliseconds(deferMs))
            send(.response(NSQFrame.ok), to: client)
        case .rdy(let count):
            if client.state == .closing { return }  // nsqd ignores RDY after CLS
            guard client.state == .subscribed else { return fatal(client, NSQServerError.invalid, "cannot RDY in current state") }
            guard (0...configuration.maxRdyCount).contains(count) else {
                return fatal(client, NSQServerError.invalid, "RDY count \(count) out of range 0-\(configuration.maxRdyCount)")
            }
            client.readyCount = count
            if let channel = subscribedChannel(client) { pump(channel) }
        case .fin(let id):
            guard let channel = messageChannel(client, command: "FIN") else { return }
            guard let entry = channel.inFlight[id], entry.clientID == client.id else {
                return send(.error("\(NSQServerError.finFailed) FIN \(id) failed ID not in flight"), to: client)
            }
            channel.inFlight[id] = nil
            client.inFlight -= 1
            channel.finished += 1
            _ = entry
            pump(channel)
        case .req(let id, let delayMs):
            guard let channel = messageChannel(client, command: "REQ") else { return }
            guard let entry = channel.inFlight[id], entry.clientID == client.id else {
                return send(.error("\(NSQServerError.reqFailed) REQ \(id) failed ID not in flight"), to: client)
            }
            channel.inFlight[id] = nil
            client.inFlight -= 1
            channel.requeued += 1
            let clamped = min(max(delayMs, 0), configuration.maxReqTimeout.nsqMilliseconds)
            if clamped == 0 {
                channel.queue.append(entry.message)
            } else {
                channel.deferred.append((.now() + .milliseconds(clamped), entry.message))
            }
            pump(channel)
        case .touch(let id):
            guard let channel = messageChannel(client, command: "TOUCH") else { return }
            guard channel.inFlight[id]?.clientID == client.id else {
                return send(.error("\(NSQServerError.touchFailed) TOUCH \(id) failed ID not in flight"), to: client)
            }
            channel.inFlight[id]!.deadline = .now() + client.msgTimeout
            channel.touched += 1
        case .cls:
            guard client.state == .subscribed else { return fatal(client, NSQServerError.invalid, "cannot CLS in current state") }
            client.readyCount = 0
            client.state = .closing
            send(.response(NSQFrame.closeWait), to: client)
        case .nop:
            client.nopCount += 1
        }
    }

    private func identify(_ client: Client, body: ByteBuffer) {
        guard client.state == .initial else {
            return fatal(client, NSQServerError.invalid, "cannot IDENTIFY in current state")
        }
        let request: NSQIdentifyRequest
        do {
            request = try JSONDecoder().decode(NSQIdentifyRequest.self, from: Data(body.readableBytesView))
        } catch {
            return fatal(client, NSQServerError.badBody, "IDENTIFY failed to decode JSON body")
        }
        let heartbeat = request.heartbeatInterval ?? 0
        let maxHeartbeat = configuration.maxHeartbeatInterval.nsqMilliseconds
        switch heartbeat {
        case -1: client.heartbeatInterval = nil
        case 0: client.heartbeatInterval = configuration.defaultHeartbeatInterval.timeAmount
        case 1000...maxHeartbeat: client.heartbeatInterval = .milliseconds(heartbeat)
        default: return fatal(client, NSQServerError.badBody, "IDENTIFY heartbeat interval (\(heartbeat)) is invalid")
        }
        let msgTimeout = request.msgTimeout ?? 0
        let maxMsgTimeout = configuration.maxMsgTimeout.nsqMilliseconds
        switch msgTimeout {
        case 0: break
        case 1000...maxMsgTimeout: client.msgTimeout = .milliseconds(msgTimeout)
        default: return fatal(client, NSQServerError.badBody, "IDENTIFY msg timeout (\(msgTimeout)) is invalid")
        }
        client.identify = request
        startHeartbeat(client)
        guard request.featureNegotiation == true else {
            return send(.response(NSQFrame.ok), to: client)
        }
        let response = NSQIdentifyResponse(
            maxRdyCount: configuration.maxRdyCount,
            version: configuration.version,
            maxMsgTimeout: maxMsgTimeout,
            msgTimeout: client.msgTimeout.nanoseconds / 1_000_000,
            tlsV1: false,
            deflate: false,
            deflateLevel: 6,
            maxDeflateLevel: 6,
            snappy: false,
            sampleRate: 0,
            authRequired: configuration.authSecret != nil,
            outputBufferSize: 16384,
            outputBufferTimeout: 250
        )
        let json = (try? JSONEncoder().encode(response)) ?? Data("{}".utf8)
        send(.response(ByteBuffer(bytes: json)), to: client)
    }

    private func acceptTopic(_ topic: String, command: String, client: Client) -> Bool {
        guard NSQNames.isValid(topic), !configuration.rejectedTopics.contains(topic) else {
            fatal(client, NSQServerError.badTopic, "\(command) topic name \"\(topic)\" is not valid")
            return false
        }
        return authorized(client, command)
    }

    private func authorized(_ client: Client, _ command: String) -> Bool {
        guard configuration.authSecret == nil || client.authorized else {
            fatal(client, "E_AUTH_FIRST", "AUTH required before \(command)")
            return false
        }
        return true
    }

    private func subscribedChannel(_ client: Client) -> Channel? {
        guard let topic = client.topic, let name = client.channelName else { return nil }
        return topics[topic]?.channels[name]
    }

    private func messageChannel(_ client: Client, command: String) -> Channel? {
        guard client.state == .subscribed || client.state == .closing, let channel = subscribedChannel(client) else {
            fatal(client, NSQServerError.invalid, "cannot \(command) in current state")
            return nil
        }
        return channel
    }

    // MARK: Messages

    private func channelFor(topic name: String, name channelName: String) -> Channel {
        let topic = topics[name] ?? Topic()
        topics[name] = topic
        if let channel = topic.channels[channelName] { return channel }
        let channel = Channel(topic: name, name: channelName)
        if topic.channels.isEmpty {
            for message in topic.pending { channel.queue.append(message) }
            topic.pending.removeAll()
        }
        topic.channels[channelName] = channel
        return channel
    }

    func publish(topic name: String, bodies: [ByteBuffer], defer deferTime: TimeAmount) {
        let topic = topics[name] ?? Topic()
        topics[name] = topic
        if configuration.recordsPublishedBodies { published[name, default: []].append(contentsOf: bodies) }
        let now = Int64(Duration.nanosecondsSinceEpoch)
        for body in bodies {
            let message = StoredMessage(id: makeMessageID(), body: body, timestamp: now, attempts: 0)
            if topic.channels.isEmpty {
                topic.pending.append(message)
                continue
            }
            for channel in topic.channels.values {
                if deferTime > .zero {
                    channel.deferred.append((.now() + deferTime, message))
                } else {
                    channel.queue.append(message)
                }
            }
        }
        for channel in topic.channels.values { pump(channel) }
    }

    private func makeMessageID() -> NSQMessageID {
        let hex = Array("0123456789abcdef".utf8)
        var value = nextMessageID
        nextMessageID += 1
        var bytes = [UInt8](repeating: UInt8(ascii: "0"), count: 16)
        for index in stride(from: 15, through: 0, by: -1) {
            bytes[index] = hex[Int(value & 0xF)]
            value >>= 4
        }
        return NSQMessageID(bytes: bytes)!
    }

    /// Delivers queued messages to ready clients, round robin; RDY is the client's in-flight window.
    private func pump(_ channel: Channel) {
        while !channel.queue.isEmpty, let client = nextReadyClient(channel) {
            var message = channel.queue.removeFirst()
            message.attempts &+= 1
            channel.inFlight[message.id] = InFlight(message: message, clientID: client.id, deadline: .now() + client.msgTimeout)
            client.inFlight += 1
            client.maxInFlightSeen = max(client.maxInFlightSeen, client.inFlight)
            client.delivered += 1
            channel.deliveries.append(.init(messageID: message.id.description, attempts: message.attempts, clientID: client.id, body: message.body))
            send(.message(NSQMessage(timestamp: message.timestamp, attempts: message.attempts, id: message.id, body: message.body)), to: client)
        }
    }

    private func nextReadyClient(_ channel: Channel) -> Client? {
        let count = channel.clientIDs.count
        guard count > 0 else { return nil }
        for offset in 0..<count {
            let index = (channel.nextClient + offset) % count
            if let client = clients[channel.clientIDs[index]], client.connected, !client.fatalSent,
                client.state == .subscribed, client.inFlight < client.readyCount
            {
                channel.nextClient = (index + 1) % count
                return client
            }
        }
        return nil
    }

    private func scan() {
        let now = NIODeadline.now()
        for topic in topics.values {
            for channel in topic.channels.values {
                let expired = channel.inFlight.values.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
                for entry in expired {
                    channel.inFlight[entry.message.id] = nil
                    channel.timedOut += 1
                    if let client = clients[entry.clientID], client.connected { client.inFlight -= 1 }
                    channel.queue.append(entry.message)
                }
                if !channel.deferred.isEmpty {
                    let due = channel.deferred.filter { $0.due <= now }.sorted { $0.due < $1.due }
                    channel.deferred.removeAll { $0.due <= now }
                    for item in due { channel.queue.append(item.message) }
                }
                pump(channel)
            }
        }
    }

    // MARK: Heartbeats and output

    private func startHeartbeat(_ client: Client) {
        client.heartbeatTask?.cancel()
        client.heartbeatTask = nil
        guard let interval = client.heartbeatInterval else { return }
        let clientID = client.id
        client.heartbeatTask = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            guard let client = clients[clientID], client.connected else { return }
            // nsqd's read deadline is two heartbeat intervals: a client that stays silent that long is dropped.
            if NIODeadline.now() - client.lastRead >= interval * 2 {
                client.heartbeatTask?.cancel()
                client.channel.close(promise: nil)
                return
            }
            client.heartbeatsSent += 1
            send(.response(NSQFrame.heartbeat), to: client)
        }
    }

    private func send(_ frame: NSQFrame, to client: Client) {
        guard client.connected else { return }
        client.channel.writeAndFlush(frame, promise: nil)
    }

    private func fatal(_ client: Client, _ code: String, _ text: String) {
        fatal(client, NSQServerError(code: code, message: "\(code) \(text)"))
    }

    /// nsqd's fatal client errors: send the error frame, then close the connection.
    private func fatal(_ client: Client, _ error: NSQServerError) {
        guard client.connected, !client.fatalSent else { return }
        client.fatalSent = true
        let channel = client.channel
        channel.writeAndFlush(NSQFrame.error(error.message)).whenComplete { _ in channel.close(promise: nil) }
    }

    // MARK: Snapshot

    func snapshot() -> NSQTestServerSnapshot {
        let clientSnapshots = clientOrder.compactMap { clients[$0] }.map { client in
            NSQTestServerSnapshot.Client(
                id: client.id,
                connected: client.connected,
                state: client.state.rawValue,
                identify: client.identify,
                heartbeatIntervalMs: client.heartbeatInterval.map { $0.nanoseconds / 1_000_000 },
                msgTimeoutMs: client.msgTimeout.nanoseconds / 1_000_000,
                topic: client.topic,
                channel: client.channelName,
                readyCount: client.readyCount,
                inFlight: client.inFlight,
                maxInFlightSeen: client.maxInFlightSeen,
                delivered: client.delivered,
                heartbeatsSent: client.heartbeatsSent,
                nopCount: client.nopCount,
                commands: client.commands
            )
        }
        var channelSnapshots: [NSQTestServerSnapshot.Channel] = []
        for (topicName, topic) in topics.sorted(by: { $0.key < $1.key }) {
            for (name, channel) in topic.channels.sorted(by: { $0.key < $1.key }) {
                channelSnapshots.append(.init(
                    topic: topicName, name: name, depth: channel.queue.count + channel.deferred.count,
                    deferred: channel.deferred.count, inFlight: channel.inFlight.count, finished: channel.finished,
                    requeued: channel.requeued, timedOut: channel.timedOut, touched: channel.touched,
                    deliveries: channel.deliveries))
            }
        }
        return NSQTestServerSnapshot(clients: clientSnapshots, channels: channelSnapshots, published: published)
    }

    static func describe(_ command: NSQCommand) -> String {
        switch command {
        case .magicV2: "MAGIC"
        case .identify: "IDENTIFY"
        case .auth: "AUTH"
        case .sub(let topic, let channel): "SUB \(topic) \(channel)"
        case .pub(let topic, _): "PUB \(topic)"
        case .mpub(let topic, let bodies): "MPUB \(topic) \(bodies.count)"
        case .dpub(let topic, let deferMs, _): "DPUB \(topic) \(deferMs)"
        case .rdy(let count): "RDY \(count)"
        case .fin(let id): "FIN \(id)"
        case .req(let id, let delay): "REQ \(id) \(delay)"
        case .touch(let id): "TOUCH \(id)"
        case .cls: "CLS"
        case .nop: "NOP"
        }
    }
}

extension Duration {
    /// Wall-clock nanoseconds since the Unix epoch, for message timestamps.
    static var nanosecondsSinceEpoch: Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
