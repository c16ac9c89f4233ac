import NSQTestSupport
import NIOCore
import Synchronization
import Testing

@testable import NSQ

@Suite struct NSQConsumerTests {
    @Test func identifySubAndRdyThenEveryMessageIsFinished() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        for index in 0..<10 { try await server.inject(topic: "images", body: body("m\(index)")) }
        let handled = Mutex<[String]>([])
        let configuration = consumerConfiguration(nsqd: [server], maxInFlight: 3) { $0.outputBufferTimeout = .milliseconds(5) }
        try await withConsumer(configuration) { delivery in
            handled.withLock { $0.append(String(buffer: delivery.message.body)) }
            return .finish
        } _: { _ in
            let snapshot = try await server.waitUntil("10 FINs") { $0.channel(topic: "images", name: "ch")?.finished == 10 }
            let client = try #require(snapshot.clients.first)
            #expect(client.identify?.clientID == "test-consumer")
            #expect(client.identify?.hostname == "test-host")
            #expect(client.identify?.userAgent == "nsq-tests/1")
            #expect(client.identify?.featureNegotiation == true)
            #expect(client.identify?.heartbeatInterval == 30_000)
            #expect(client.identify?.outputBufferTimeout == 5)
            #expect(Array(client.commands.prefix(3)) == ["IDENTIFY", "SUB images ch", "RDY 3"])
            #expect(client.maxInFlightSeen <= 3)
            #expect(client.commands.filter { $0.hasPrefix("FIN ") }.count == 10)
        }
        #expect(Set(handled.withLock { $0 }) == Set((0..<10).map { "m\($0)" }))
        // Graceful stop: RDY 0 then CLS, and the connection is closed afterwards.
        let final = try await server.waitUntil("disconnect") { $0.connectedClients.isEmpty }
        let commands = try #require(final.clients.first?.commands)
        #expect(Array(commands.suffix(2)) == ["RDY 0", "CLS"])
        try await server.stop()
    }

    @Test func rdyIsSpreadOverConnectionsAndCappedByMaxRdyCount() async throws {
        let a = try await NSQTestServer.start(testServerConfiguration())
        let b = try await NSQTestServer.start(testServerConfiguration { $0.maxRdyCount = 2 })
        try await withConsumer(consumerConfiguration(nsqd: [a, b], maxInFlight: 7)) { _ in .finish } _: { _ in
            // 7 over two connections is 4 + 3, but b's nsqd allows at most 2 (its max_rdy_count): a gets the rest.
            let ready = try await a.waitUntil("RDY 5 on a") { $0.clients.first?.readyCount == 5 }
            let readyB = try await b.waitUntil("RDY 2 on b") { $0.clients.first?.readyCount == 2 }
            #expect(readyB.clients[0].commands.allSatisfy { !$0.hasPrefix("RDY") || Int($0.dropFirst(4))! <= 2 })
            #expect(ready.clients[0].state == "subscribed")
        }
        try await a.stop()
        try await b.stop()
    }

    @Test func fewerSlotsThanConnectionsGivesRdyOneToOne() async throws {
        let a = try await NSQTestServer.start(testServerConfiguration())
        let b = try await NSQTestServer.start(testServerConfiguration())
        try await withConsumer(consumerConfiguration(nsqd: [a, b], maxInFlight: 1)) { _ in .finish } _: { _ in
            try await a.waitUntil("subscribed") { $0.clients.first?.state == "subscribed" }
            try await b.waitUntil("subscribed") { $0.clients.first?.state == "subscribed" }
            // Wait until both connections are known to the consumer (then the total is exactly 1).
            try await waitForTotalRDY([a, b], equals: 1)
        }
        try await a.stop()
        try await b.stop()
    }

    func waitForTotalRDY(_ servers: [NSQTestServer], equals total: Int64) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            var sum: Int64 = 0
            var subscribed = 0
            for server in servers {
                let snapshot = try await server.snapshot()
                sum += snapshot.connectedClients.reduce(0) { $0 + $1.readyCount }
                subscribed += snapshot.connectedClients.filter { $0.state == "subscribed" && $0.commands.contains { $0.hasPrefix("RDY") } }.count
            }
            if sum == total && subscribed == servers.count { return }
            guard ContinuousClock.now < deadline else {
                Issue.record("total RDY \(sum), want \(total)")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func heartbeatsAreAnsweredWithNop() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        try await withConsumer(consumerConfiguration(nsqd: [server]) { $0.heartbeatInterval = .seconds(1) }) { _ in .finish } _: { _ in
            // nsqd drops a client after two unanswered heartbeats; answering keeps the one connection alive.
            let snapshot = try await server.waitUntil("3 NOPs") { ($0.clients.first?.nopCount ?? 0) >= 3 }
            #expect(snapshot.clients.count == 1)
            #expect(snapshot.clients[0].connected)
            #expect(snapshot.clients[0].heartbeatIntervalMs == 1000)
            #expect(snapshot.clients[0].heartbeatsSent >= 3)
        }
        try await server.stop()
    }

    @Test func requeueSendsReqWithDelayAndTheMessageComesBackWithAttemptsPlusOne() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        try await server.inject(topic: "images", body: body("retry-me"))
        let attempts = Mutex<[UInt16]>([])
        try await withConsumer(consumerConfiguration(nsqd: [server])) { delivery in
            attempts.withLock { $0.append(delivery.message.attempts) }
            return delivery.message.attempts == 1 ? .requeue(delay: .milliseconds(30), backoff: false) : .finish
        } _: { _ in
            let snapshot = try await server.waitUntil("FIN after REQ") { $0.channel(topic: "images", name: "ch")?.finished == 1 }
            let channel = try #require(snapshot.channel(topic: "images", name: "ch"))
            #expect(channel.requeued == 1)
            #expect(channel.deliveries.map(\.attempts) == [1, 2])
            let id = channel.deliveries[0].messageID
            #expect(snapshot.clients[0].commands.contains("REQ \(id) 30"))
            #expect(snapshot.clients[0].commands.contains("FIN \(id)"))
        }
        #expect(attempts.withLock { $0 } == [1, 2])
        try await server.stop()
    }

    @Test func touchResetsTheTimeout() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        try await server.inject(topic: "images", body: body("long job"))
        try await withConsumer(consumerConfiguration(nsqd: [server])) { delivery in
            await delivery.touch()
            return .finish
        } _: { _ in
            let snapshot = try await server.waitUntil("FIN") { $0.channel(topic: "images", name: "ch")?.finished == 1 }
            let channel = try #require(snapshot.channel(topic: "images", name: "ch"))
            #expect(channel.touched == 1)
            let id = channel.deliveries[0].messageID
            let commands = snapshot.clients[0].commands
            #expect(commands.firstIndex(of: "TOUCH \(id)")! < commands.firstIndex(of: "FIN \(id)")!)
        }
        try await server.stop()
    }

    @Test func reconnectsWhenNsqdDropsTheConnection() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        let seen = Mutex<[String]>([])
        try await withConsumer(consumerConfiguration(nsqd: [server])) { delivery in
            seen.withLock { $0.append(String(buffer: delivery.message.body)) }
            return .finish
        } _: { _ in
            try await server.waitUntil("first subscription") { $0.clients.first?.readyCount == 1 }
            try await server.disconnectClients()
            try await server.waitUntil("second subscription") { $0.clients.count == 2 && $0.clients[1].readyCount == 1 }
            try await server.inject(topic: "images", body: body("after reconnect"))
            try await server.waitUntil("FIN") { $0.channel(topic: "images", name: "ch")?.finished == 1 }
        }
        #expect(seen.withLock { $0 } == ["after reconnect"])
        try await server.stop()
    }

    @Test func gracefulStopWaitsForInFlightHandlersAndSendsTheirOutcomeAfterCls() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        try await server.inject(topic: "images", body: body("in flight"))
        let started = Signal()
        let release = Signal()
        let consumer = try NSQConsumer(configuration: consumerConfiguration(nsqd: [server]), logger: quietLogger)
        let run = Task {
            try await consumer.run { _ in
                started.fire()
                await release.wait()
                return .finish
            }
        }
        await started.wait()
        consumer.beginShutdown()
        let closing = try await server.waitUntil("CLS") { $0.clients.first?.state == "closing" }
        #expect(closing.clients[0].connected)  // still open: a message is in flight
        #expect(Array(closing.clients[0].commands.suffix(2)) == ["RDY 0", "CLS"])
        release.fire()
        try await run.value
        let done = try await server.waitUntil("close") { $0.connectedClients.isEmpty }
        let channel = try #require(done.channel(topic: "images", name: "ch"))
        #expect(channel.finished == 1)
        #expect(done.clients[0].commands.last == "FIN \(channel.deliveries[0].messageID)")
        try await server.stop()
    }

    @Test func cancellingRunAlsoStopsGracefully() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        let consumer = try NSQConsumer(configuration: consumerConfiguration(nsqd: [server]), logger: quietLogger)
        let run = Task { try await consumer.run { _ in .finish } }
        try await server.waitUntil("subscription") { $0.clients.first?.readyCount == 1 }
        run.cancel()
        try await run.value
        let snapshot = try await server.waitUntil("close") { $0.connectedClients.isEmpty }
        #expect(Array(snapshot.clients[0].commands.suffix(2)) == ["RDY 0", "CLS"])
        try await server.stop()
    }

    @Test func requeueBacksOffWithRdyZeroThenTestsWithRdyOneThenRecovers() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        try await server.inject(topic: "images", body: body("fails once"))
        let configuration = consumerConfiguration(nsqd: [server], maxInFlight: 4) {
            $0.requeueBackoff = NSQBackoffPolicy(initial: .milliseconds(50), maximum: .seconds(1), jitter: 0)
        }
        try await withConsumer(configuration) { delivery in
            delivery.message.attempts == 1 ? .requeue(delay: .zero) : .finish
        } _: { _ in
            let snapshot = try await server.waitUntil("recovered to RDY 4") {
                $0.channel(topic: "images", name: "ch")?.finished == 1 && $0.clients.first?.readyCount == 4
            }
            let rdy = snapshot.clients[0].commands.filter { $0.hasPrefix("RDY") }
            // Full speed, then RDY 0 during the backoff, RDY 1 to test, and full speed after the success.
            let zero = try #require(rdy.firstIndex(of: "RDY 0"))
            let one = try #require(rdy[zero...].firstIndex(of: "RDY 1"))
            #expect(rdy.first == "RDY 4")
            #expect(rdy[one...].contains("RDY 4"))
        }
        try await server.stop()
    }

    @Test func subscribesWithAuthWhenNsqdRequiresIt() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration { $0.authSecret = "s3cret" })
        try await server.inject(topic: "images", body: body("secret work"))
        try await withConsumer(consumerConfiguration(nsqd: [server]) { $0.authSecret = "s3cret" }) { _ in .finish } _: { _ in
            let snapshot = try await server.waitUntil("FIN") { $0.channel(topic: "images", name: "ch")?.finished == 1 }
            #expect(Array(snapshot.clients[0].commands.prefix(3)) == ["IDENTIFY", "AUTH", "SUB images ch"])
        }
        try await server.stop()
    }

    @Test func invalidConfigurationIsRejected() throws {
        #expect(throws: NSQError.self) { try NSQConsumer(configuration: NSQConsumerConfiguration(topic: "bad topic", channel: "ch")) }
        var noAddresses = NSQConsumerConfiguration(topic: "images", channel: "ch")
        noAddresses.maxInFlight = 1
        #expect(throws: NSQError.self) { try NSQConsumer(configuration: noAddresses) }
        var shortHeartbeat = consumerConfiguration { $0.nsqdTCPAddresses = ["127.0.0.1:4150"] }
        shortHeartbeat.heartbeatInterval = .milliseconds(500)
        #expect(throws: NSQError.self) { try NSQConsumer(configuration: shortHeartbeat) }
    }
}

func waitFor(_ what: String, timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw NSQTestServerTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}
