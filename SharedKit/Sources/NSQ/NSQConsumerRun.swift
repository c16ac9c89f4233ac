import Logging
import NIOCore

/// The state of one `NSQConsumer.run`: connections, RDY counts, in-flight handlers, backoff.
/// Owned by the run loop's task alone; everything else talks to it through `NSQConsumerEvent`s.
final class NSQConsumerRun {
    private struct Connection {
        let id: Int
        let connection: NSQConnection
        let address: NSQAddress
        let discovered: Bool
        let maxRdyCount: Int64
        let msgTimeout: Duration
        var rdy: Int64 = 0
        /// RDY minus messages received since it was sent (the spec's decrementing server-side count).
        var rdyRemaining: Int64 = 0
        var inFlight = 0
        var closing = false
        var closeWaitReceived = false
        var lastWrite: EventLoopFuture<Void>?
    }

    private let consumer: NSQConsumer
    private let configuration: NSQConsumerConfiguration
    private let direct: [NSQAddress]
    private let lookupd: [NSQAddress]
    private let events: AsyncStream<NSQConsumerEvent>.Continuation
    private let handler: NSQConsumer.Handler
    private let logger: Logger

    private var connections: [Int: Connection] = [:]
    private var connectionByAddress: [NSQAddress: Int] = [:]
    private var connecting: [NSQAddress: Int] = [:]
    private var reconnectFailures: [NSQAddress: Int] = [:]
    /// When each nsqd we are redialling was last connected (or first failed), to forget scaled-away ones.
    private var unreachableSince: [NSQAddress: ContinuousClock.Instant] = [:]
    /// What the last lookupd poll that got an answer listed; nil until one answered.
    private var lastListed: Set<NSQAddress>?
    private var nextConnectionID = 1
    private var stopping = false
    private var runningHandlers = 0
    private var backoffLevel = 0
    private var inBackoffTimeout = false
    private var testConnectionID: Int?
    private var rotation = 0
    /// Long-lived loops (lookupd polling, RDY rotation), cancelled at stop. One-shot timers are not kept:
    /// what they report after the stop is ignored.
    private var tasks: [Task<Void, Never>] = []

    init(consumer: NSQConsumer, direct: [NSQAddress], lookupd: [NSQAddress], events: AsyncStream<NSQConsumerEvent>.Continuation, handler: @escaping NSQConsumer.Handler) {
        self.consumer = consumer
        self.configuration = consumer.configuration
        self.direct = direct
        self.lookupd = lookupd
        self.events = events
        self.handler = handler
        self.logger = consumer.logger
    }

    var isFinished: Bool {
        stopping && connections.isEmpty && connecting.isEmpty && runningHandlers == 0
    }

    func start() {
        for address in direct { connect(to: address, discovered: false) }
        if !lookupd.isEmpty { startLookupdPolling() }
        let interval = configuration.rdyRedistributeInterval
        let events = self.events
        tasks.append(Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                events.yield(.redistribute)
            }
        })
    }

    func finish() {
        for task in tasks { task.cancel() }
        logger.info("NSQ consumer stopped")
    }

    func handle(_ event: NSQConsumerEvent) {
        switch event {
        case .shutdown:
            beginStop()
        case .connected(let id, let address, let discovered, let connection):
            connected(id: id, address: address, discovered: discovered, connection: connection)
        case .connectFailed(_, let address, let discovered, let error):
            connecting[address] = nil
            logger.warning("cannot connect to nsqd", metadata: ["nsqd": "\(address)", "error": "\(error)"])
            if !stopping { scheduleReconnect(address, discovered: discovered) }
        case .message(let id, let message):
            received(message, on: id)
        case .closed(let id):
            closed(id)
        case .closeWait(let id):
            guard connections[id] != nil else { return }
            connections[id]!.closeWaitReceived = true
            closeIfDrained(id)
        case .handlerFinished(let id, let messageID, let outcome):
            handlerFinished(id: id, messageID: messageID, outcome: outcome)
        case .lookupResult(let addresses, let answered):
            guard !stopping else { return }
            if answered { lastListed = Set(addresses) }
            for address in addresses where connectionByAddress[address] == nil && connecting[address] == nil {
                connect(to: address, discovered: true)
            }
        case .reconnectDue(let address, let discovered):
            guard !stopping, connectionByAddress[address] == nil, connecting[address] == nil else { return }
            connect(to: address, discovered: discovered)
        case .backoffEnded:
            inBackoffTimeout = false
            guard !stopping else { return }
            // Test the water: one message on one connection decides whether to slow down further or recover.
            testConnectionID = activeConnectionIDs().randomElement()
            logger.info("backoff timeout over, testing with RDY 1", metadata: ["backoff_level": "\(backoffLevel)"])
            rebalance()
        case .redistribute:
            let active = activeConnectionIDs().count
            if active > configuration.maxInFlight, backoffLevel == 0, !stopping {
                rotation += 1
                rebalance()
            }
        }
    }

    // MARK: Connections

    private func connect(to address: NSQAddress, discovered: Bool) {
        let id = nextConnectionID
        nextConnectionID += 1
        connecting[address] = id
        let configuration = self.configuration
        let consumer = self.consumer
        let events = self.events
        let logger = self.logger
        let settings = NSQConnectionSettings(
            identify: NSQIdentifyRequest(
                clientID: configuration.clientID,
                hostname: configuration.hostname,
                userAgent: configuration.userAgent,
                featureNegotiation: true,
                heartbeatInterval: configuration.heartbeatInterval.nsqMilliseconds,
                msgTimeout: configuration.msgTimeout?.nsqMilliseconds,
                outputBufferTimeout: configuration.outputBufferTimeout.map { max(1, $0.nsqMilliseconds) }
            ),
            authSecret: configuration.authSecret,
            connectTimeout: configuration.connectTimeout,
            responseTimeout: configuration.responseTimeout
        )
        Task {
            do {
                let connection = try await NSQConnection.open(to: address, settings: settings, group: consumer.group, logger: logger) { event in
                    switch event {
                    case .message(let message): events.yield(.message(connectionID: id, message: message))
                    case .closed: events.yield(.closed(connectionID: id))
                    case .unsolicitedError(let error):
                        logger.warning("nsqd error", metadata: ["nsqd": "\(address)", "error": "\(error)"])
                    }
                }
                do {
                    let reply = try await connection.request(.sub(topic: configuration.topic, channel: configuration.channel))
                    guard String(buffer: reply) == NSQFrame.ok else {
                        throw NSQError.protocolViolation("unexpected SUB reply \(String(buffer: reply))")
                    }
                } catch {
                    connection.close()
                    throw error
                }
                events.yield(.connected(id: id, address: address, discovered: discovered, connection: connection))
            } catch {
                events.yield(.connectFailed(id: id, address: address, discovered: discovered, error: error))
            }
        }
    }

    private func connected(id: Int, address: NSQAddress, discovered: Bool, connection: NSQConnection) {
        connecting[address] = nil
        guard !stopping, connection.isActive else {
            connection.close()
            if !stopping { scheduleReconnect(address, discovered: discovered) }
            return
        }
        reconnectFailures[address] = nil
        unreachableSince[address] = nil
        let negotiated = connection.negotiated
        connections[id] = Connection(
            id: id,
            connection: connection,
            address: address,
            discovered: discovered,
            maxRdyCount: negotiated?.maxRdyCount ?? 2500,
            msgTimeout: negotiated?.msgTimeout.map { .milliseconds($0) } ?? configuration.msgTimeout ?? .seconds(60)
        )
        connectionByAddress[address] = id
        logger.info("subscribed", metadata: ["nsqd": "\(address)", "nsqd_version": "\(negotiated?.version ?? "unknown")"])
        rebalance()
    }

    private func closed(_ id: Int) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        connectionByAddress[connection.address] = nil
        if testConnectionID == id { testConnectionID = nil }
        if connection.inFlight > 0 {
            logger.warning("nsqd connection lost with messages in flight; nsqd redelivers them after msg_timeout",
                metadata: ["nsqd": "\(connection.address)", "in_flight": "\(connection.inFlight)"])
        } else {
            logger.info("nsqd connection closed", metadata: ["nsqd": "\(connection.address)"])
        }
        if !stopping {
            scheduleReconnect(connection.address, discovered: connection.discovered)
            rebalance()
        }
    }

    /// Every nsqd this consumer has dialled is dialled again after a backoff, whether it came from the
    /// configuration or from lookupd: after an nsqd restart the consumer is back within seconds, with or
    /// without lookupd (waiting for the next poll took up to a whole poll interval, longer while lookupd
    /// was down). A discovered nsqd is forgotten only once it has been unreachable for
    /// `forgetUnlistedNSQDAfter` and a lookupd that answered no longer lists it.
    private func scheduleReconnect(_ address: NSQAddress, discovered: Bool) {
        let now = ContinuousClock.now
        let since = unreachableSince[address] ?? now
        if discovered, let lastListed, !lastListed.contains(address),
            now - since >= configuration.forgetUnlistedNSQDAfter {
            logger.info("forgetting an nsqd that lookupd no longer lists", metadata: ["nsqd": "\(address)"])
            reconnectFailures[address] = nil
            unreachableSince[address] = nil
            return
        }
        unreachableSince[address] = since
        let failures = (reconnectFailures[address] ?? 0) + 1
        reconnectFailures[address] = failures
        let delay = configuration.reconnectBackoff.delay(attempt: failures)
        let events = self.events
        Task {
            try? await Task.sleep(for: delay)
            events.yield(.reconnectDue(address, discovered: discovered))
        }
    }

    private func startLookupdPolling() {
        let client = NSQLookupdClient(timeout: configuration.lookupdRequestTimeout, eventLoopGroup: consumer.group)
        let lookupd = self.lookupd
        let topic = configuration.topic
        let interval = configuration.lookupdPollInterval
        let jitter = max(0, min(configuration.lookupdPollJitter, 1))
        let events = self.events
        let logger = self.logger
        tasks.append(Task {
            while !Task.isCancelled {
                let (found, answered) = await NSQConsumerRun.lookup(topic: topic, lookupd: lookupd, client: client, logger: logger)
                events.yield(.lookupResult(found, answered: answered))
                try? await Task.sleep(for: interval + interval * Double.random(in: 0...jitter))
            }
        })
    }

    private static func lookup(topic: String, lookupd: [NSQAddress], client: NSQLookupdClient, logger: Logger) async -> ([NSQAddress], Bool) {
        var found: [NSQAddress] = []
        var answered = false
        for address in lookupd {
            do {
                let producers = try await client.lookup(topic: topic, lookupdHTTPAddress: "\(address)")
                answered = true
                for producer in producers where !found.contains(producer.tcpAddress) { found.append(producer.tcpAddress) }
                logger.debug("nsqlookupd lookup", metadata: ["nsqlookupd": "\(address)", "producers": "\(producers.count)"])
            } catch {
                logger.warning("nsqlookupd lookup failed", metadata: ["nsqlookupd": "\(address)", "error": "\(error)"])
            }
        }
        return (found, answered)
    }

    // MARK: Messages

    private func received(_ message: NSQMessage, on id: Int) {
        guard var connection = connections[id] else { return }
        consumer.metrics.received.increment()
        connection.rdyRemaining -= 1
        var logger = self.logger
        logger[metadataKey: "nsq_message_id"] = "\(message.id)"
        if stopping || connection.closing {
            // Arrived after RDY 0 / CLS were sent: hand it back at once rather than start new work.
            connection.lastWrite = connection.connection.send(.req(message.id, delayMilliseconds: 0))
            consumer.metrics.requeued.increment()
            connections[id] = connection
            logger.debug("requeued a message that arrived while stopping")
            return
        }
        connection.inFlight += 1
        connections[id] = connection
        runningHandlers += 1
        let nsqConnection = connection.connection
        let messageID = message.id
        let delivery = NSQDelivery(message: message, nsqdAddress: connection.address, msgTimeout: connection.msgTimeout) {
            _ = try? await nsqConnection.send(.touch(messageID)).get()
        }
        let handler = self.handler
        let events = self.events
        Task {
            let outcome = await handler(delivery)
            events.yield(.handlerFinished(connectionID: id, messageID: messageID, outcome: outcome))
        }
    }

    private func handlerFinished(id: Int, messageID: NSQMessageID, outcome: NSQMessageOutcome) {
        runningHandlers -= 1
        guard var connection = connections[id] else {
            logger.warning("handler finished after its nsqd connection was lost; nsqd will redeliver",
                metadata: ["nsq_message_id": "\(messageID)"])
            return
        }
        connection.inFlight -= 1
        connections[id] = connection
        // Backoff first: its RDY 0 reaches nsqd before the REQ, so a requeue without delay cannot bounce
        // straight back while the consumer is meant to be pausing.
        if !connection.closing {
            switch outcome {
            case .finish: signalBackoff(success: true)
            case .requeue(_, let backoff): if backoff { signalBackoff(success: false) }
            }
        }
        let nsqConnection = connection.connection
        switch outcome {
        case .finish:
            connections[id]!.lastWrite = nsqConnection.send(.fin(messageID))
            consumer.metrics.finished.increment()
        case .requeue(let delay, _):
            let milliseconds = max(0, delay.nsqMilliseconds)
            connections[id]!.lastWrite = nsqConnection.send(.req(messageID, delayMilliseconds: milliseconds))
            consumer.metrics.requeued.increment()
        }
        if connection.closing {
            closeIfDrained(id)
            return
        }
        refreshRDYIfLow(id)
    }

    // MARK: RDY

    private func activeConnectionIDs() -> [Int] {
        connections.values.filter { !$0.closing }.map(\.id).sorted()
    }

    /// The RDY each open connection should have now.
    private func targetRDY() -> [Int: Int64] {
        let ids = activeConnectionIDs()
        var targets: [Int: Int64] = [:]
        guard !ids.isEmpty else { return targets }
        for id in ids { targets[id] = 0 }
        if stopping { return targets }
        if backoffLevel > 0 || inBackoffTimeout {
            if !inBackoffTimeout {
                if testConnectionID == nil || connections[testConnectionID!] == nil { testConnectionID = ids.first }
                targets[testConnectionID!] = 1
            }
            return targets
        }
        let maxInFlight = Int64(configuration.maxInFlight)
        if maxInFlight < Int64(ids.count) {
            // Fewer slots than connections: RDY 1 on a rotating subset so no nsqd starves.
            for k in 0..<Int(maxInFlight) { targets[ids[(rotation + k) % ids.count]] = 1 }
            return targets
        }
        // Even shares, each capped at that nsqd's max_rdy_count; what a cap leaves over goes to the others.
        var open = ids
        var remaining = maxInFlight
        while remaining > 0 && !open.isEmpty {
            let share = remaining / Int64(open.count)
            let extra = remaining % Int64(open.count)
            var stillOpen: [Int] = []
            for (index, id) in open.enumerated() {
                let want = share + (Int64(index) < extra ? 1 : 0)
                let room = connections[id]!.maxRdyCount - targets[id]!
                let given = min(want, room)
                targets[id]! += given
                remaining -= given
                if given == want && room > want { stillOpen.append(id) }
            }
            if stillOpen.count == open.count { break }
            open = stillOpen
        }
        return targets
    }

    private func rebalance() {
        for (id, target) in targetRDY() where connections[id]!.rdy != target {
            sendRDY(id, target)
        }
    }

    /// Re-sends RDY when most of it has been used, as go-nsq does: harmless for nsqd that treat RDY as a
    /// window, needed for those that count it down.
    private func refreshRDYIfLow(_ id: Int) {
        guard !stopping, let connection = connections[id], !connection.closing else { return }
        let target = targetRDY()[id] ?? 0
        if target != connection.rdy || (target > 0 && (connection.rdyRemaining <= 1 || connection.rdyRemaining < target / 4)) {
            sendRDY(id, target)
        }
    }

    private func sendRDY(_ id: Int, _ count: Int64) {
        connections[id]!.rdy = count
        connections[id]!.rdyRemaining = count
        connections[id]!.lastWrite = connections[id]!.connection.send(.rdy(count))
        logger.trace("RDY", metadata: ["nsqd": "\(connections[id]!.address)", "count": "\(count)"])
    }

    // MARK: Backoff

    private func signalBackoff(success: Bool) {
        guard let policy = configuration.requeueBackoff, !stopping, !inBackoffTimeout else { return }
        var updated = false
        if success {
            if backoffLevel > 0 {
                backoffLevel -= 1
                updated = true
            }
        } else if backoffLevel == 0 || policy.baseDelay(attempt: backoffLevel) < policy.maximum {
            backoffLevel += 1
            updated = true
        }
        if backoffLevel == 0 {
            if updated {
                logger.info("leaving backoff, full RDY again")
                testConnectionID = nil
                rebalance()
            }
        } else {
            let delay = policy.delay(attempt: backoffLevel)
            logger.info("backing off after a requeue, RDY 0 everywhere", metadata: ["backoff_level": "\(backoffLevel)", "delay": "\(delay)"])
            inBackoffTimeout = true
            rebalance()
            let events = self.events
            Task {
                try? await Task.sleep(for: delay)
                events.yield(.backoffEnded)
            }
        }
    }

    // MARK: Graceful stop

    private func beginStop() {
        guard !stopping else { return }
        stopping = true
        logger.info("NSQ consumer stopping: RDY 0, CLS, draining in-flight messages",
            metadata: ["in_flight": "\(runningHandlers)", "connections": "\(connections.count)"])
        for task in tasks { task.cancel() }
        tasks.removeAll()
        for id in connections.keys.sorted() {
            connections[id]!.closing = true
            sendRDY(id, 0)
            let connection = connections[id]!.connection
            let events = self.events
            let timeout = configuration.closeWaitTimeout
            let logger = self.logger
            Task {
                do {
                    let reply = try await connection.request(.cls, timeout: timeout)
                    if String(buffer: reply) != NSQFrame.closeWait {
                        logger.warning("unexpected reply to CLS", metadata: ["reply": "\(String(buffer: reply))"])
                    }
                } catch {
                    logger.warning("no CLOSE_WAIT from nsqd", metadata: ["nsqd": "\(connection.address)", "error": "\(error)"])
                }
                events.yield(.closeWait(connectionID: id))
            }
        }
    }

    private func closeIfDrained(_ id: Int) {
        guard let connection = connections[id], connection.closing, connection.closeWaitReceived, connection.inFlight == 0 else { return }
        let nsqConnection = connection.connection
        if let lastWrite = connection.lastWrite {
            lastWrite.whenComplete { _ in nsqConnection.close() }
        } else {
            nsqConnection.close()
        }
    }
}
