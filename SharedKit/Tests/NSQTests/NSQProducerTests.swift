import NSQTestSupport
import NIOCore
import Testing

@testable import NSQ

@Suite struct NSQProducerTests {
    func makeProducer(_ server: NSQTestServer, _ change: (inout NSQProducerConfiguration) -> Void = { _ in }) throws -> NSQProducer {
        var configuration = NSQProducerConfiguration(nsqdTCPAddress: server.address)
        configuration.clientID = "test-producer"
        configuration.hostname = "test-host"
        configuration.userAgent = "nsq-tests/1"
        configuration.reconnectBackoff = NSQBackoffPolicy(initial: .milliseconds(10), maximum: .milliseconds(50))
        change(&configuration)
        return try NSQProducer(configuration: configuration, logger: quietLogger)
    }

    @Test func pubIsAcknowledgedAndIdentifySendsOurFields() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        let producer = try makeProducer(server)
        try await producer.publish(topic: "images", body: body("one"))
        let snapshot = try await server.snapshot()
        #expect(snapshot.published["images"] == [body("one")])
        let client = try #require(snapshot.clients.first)
        #expect(client.identify?.clientID == "test-producer")
        #expect(client.identify?.hostname == "test-host")
        #expect(client.identify?.userAgent == "nsq-tests/1")
        #expect(client.identify?.featureNegotiation == true)
        #expect(client.identify?.heartbeatInterval == 30_000)
        #expect(client.commands == ["IDENTIFY", "PUB images"])
        producer.shutdown()
        try await server.stop()
    }

    @Test func mpubSendsOneCommandForTheBatch() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        let producer = try makeProducer(server)
        let bodies = (0..<100).map { body("m\($0)") }
        try await producer.multiPublish(topic: "images", bodies: bodies)
        let snapshot = try await server.snapshot()
        #expect(snapshot.published["images"] == bodies)
        #expect(snapshot.clients.first?.commands == ["IDENTIFY", "MPUB images 100"])
        producer.shutdown()
        try await server.stop()
    }

    @Test func dpubCarriesTheDeferTimeInMilliseconds() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        let producer = try makeProducer(server)
        try await producer.deferredPublish(topic: "images", delay: .milliseconds(1500), body: body("later"))
        let snapshot = try await server.snapshot()
        #expect(snapshot.published["images"] == [body("later")])
        #expect(snapshot.clients.first?.commands.last == "DPUB images 1500")
        producer.shutdown()
        try await server.stop()
    }

    @Test func serverErrorSurfacesAsTypedErrorAndTheProducerRecovers() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration { $0.rejectedTopics = ["forbidden"] })
        let producer = try makeProducer(server)
        do {
            try await producer.publish(topic: "forbidden", body: body("x"))
            Issue.record("publish to a rejected topic succeeded")
        } catch let NSQError.server(error) {
            #expect(error.code == NSQServerError.badTopic)
            #expect(error.message.contains("forbidden"))
        }
        // nsqd closes the connection after a fatal error; the next publish opens a new one.
        try await producer.publish(topic: "images", body: body("ok"))
        let snapshot = try await server.snapshot()
        #expect(snapshot.published["images"] == [body("ok")])
        #expect(snapshot.publishedCount(topic: "forbidden") == 0)
        #expect(snapshot.clients.count == 2)
        producer.shutdown()
        try await server.stop()
    }

    @Test func invalidNamesAndEmptyBodiesAreRejectedBeforeSending() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        let producer = try makeProducer(server)
        await #expect(throws: NSQError.invalidTopicName("bad topic")) {
            try await producer.publish(topic: "bad topic", body: body("x"))
        }
        await #expect(throws: NSQError.self) { try await producer.publish(topic: "images", body: ByteBuffer()) }
        await #expect(throws: NSQError.self) { try await producer.multiPublish(topic: "images", bodies: [ByteBuffer]()) }
        #expect(try await server.snapshot().clients.isEmpty)
        producer.shutdown()
        try await server.stop()
    }

    @Test func concurrentPublishesArePipelinedOnOneConnection() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        let producer = try makeProducer(server)
        let count = 300
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    if index % 3 == 0 {
                        try await producer.multiPublish(topic: "images", bodies: [body("m\(index)a"), body("m\(index)b")])
                    } else {
                        try await producer.publish(topic: "images", body: body("m\(index)"))
                    }
                }
            }
            try await group.waitForAll()
        }
        let snapshot = try await server.snapshot()
        #expect(snapshot.publishedCount(topic: "images") == count + count / 3)
        #expect(snapshot.clients.count == 1)
        producer.shutdown()
        try await server.stop()
    }

    @Test func authIsSentWhenNsqdRequiresIt() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration { $0.authSecret = "s3cret" })
        let withSecret = try makeProducer(server) { $0.authSecret = "s3cret" }
        try await withSecret.publish(topic: "images", body: body("authorized"))
        #expect(try await server.snapshot().clients.first?.commands == ["IDENTIFY", "AUTH", "PUB images"])
        let withoutSecret = try makeProducer(server)
        await #expect(throws: NSQError.self) { try await withoutSecret.publish(topic: "images", body: body("refused")) }
        let wrongSecret = try makeProducer(server) { $0.authSecret = "wrong" }
        do {
            try await wrongSecret.publish(topic: "images", body: body("refused"))
            Issue.record("publish with a wrong secret succeeded")
        } catch let NSQError.server(error) {
            #expect(error.code == NSQServerError.authFailed)
        }
        #expect(try await server.snapshot().published["images"] == [body("authorized")])
        withSecret.shutdown()
        withoutSecret.shutdown()
        wrongSecret.shutdown()
        try await server.stop()
    }

    @Test func heartbeatsOnAProducerConnectionAreAnsweredAndNotMistakenForReplies() async throws {
        let server = try await NSQTestServer.start(testServerConfiguration())
        let producer = try makeProducer(server) { $0.heartbeatInterval = .seconds(1) }
        try await producer.publish(topic: "images", body: body("a"))
        try await server.waitUntil("a NOP") { ($0.clients.first?.nopCount ?? 0) >= 1 }
        try await producer.publish(topic: "images", body: body("b"))
        let snapshot = try await server.snapshot()
        #expect(snapshot.published["images"] == [body("a"), body("b")])
        #expect(snapshot.clients.count == 1)
        producer.shutdown()
        try await server.stop()
    }
}

/// Retries `operation` until it succeeds or `timeout` passes (for recovery after a deliberate outage).
func eventually(timeout: Duration = .seconds(5), _ operation: () async throws -> Void) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        do {
            try await operation()
            return
        } catch {
            guard ContinuousClock.now < deadline else { throw error }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
