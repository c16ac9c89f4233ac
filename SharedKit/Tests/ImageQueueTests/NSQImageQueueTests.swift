import ImageQueue
import Logging
import NIOCore
import NSQ
import Synchronization
import Testing

/// The NSQ adapters of the ImageQueue seam, against the in-process nsqd peer.
@Suite struct NSQImageQueueTests {
    static let quiet = Logger(label: "nsq-image-queue-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func serverConfiguration() -> NSQTestServer.Configuration {
        var configuration = NSQTestServer.Configuration()
        configuration.scanInterval = .milliseconds(10)
        return configuration
    }

    static func producer(_ server: NSQTestServer) throws -> NSQProducer {
        try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: server.address), logger: quiet)
    }

    static func consumerConfiguration(_ server: NSQTestServer, maxInFlight: Int = 2) -> NSQConsumerConfiguration {
        var configuration = NSQConsumerConfiguration(topic: "images", channel: "ch")
        configuration.nsqdTCPAddresses = [server.address]
        configuration.maxInFlight = maxInFlight
        configuration.requeueBackoff = nil
        return configuration
    }

    @Test func publisherSendsLittleEndianIdsWithPubForOneAndMpubForSeveral() async throws {
        let server = try await NSQTestServer.start(Self.serverConfiguration())
        let producer = try Self.producer(server)
        let publisher = try NSQImagePublisher(producer: producer, topic: "images", maxBatchSize: 2)
        try await publisher.publish([0x0102])
        try await publisher.publish([1, 2, 3])
        try await publisher.publish([])
        let snapshot = try await server.snapshot()
        let bodies = (snapshot.published["images"] ?? []).map { Array($0.readableBytesView) }
        #expect(bodies.first == [0x02, 0x01, 0, 0, 0, 0, 0, 0])
        #expect(bodies.compactMap { ImageIDMessage.decode($0) } == [0x0102, 1, 2, 3])
        // Three ids with batches of two: one MPUB of 2 and one of 1.
        #expect(snapshot.clients.first?.commands == ["IDENTIFY", "PUB images", "MPUB images 2", "MPUB images 1"])
        producer.shutdown()
        try await server.stop()
    }

    @Test func publisherRejectsAnInvalidTopic() async throws {
        let server = try await NSQTestServer.start(Self.serverConfiguration())
        let producer = try Self.producer(server)
        #expect(throws: NSQError.invalidTopicName("no spaces")) { try NSQImagePublisher(producer: producer, topic: "no spaces") }
        producer.shutdown()
        try await server.stop()
    }

    @Test func consumerMapsOutcomesToFinAndReqAndTouch() async throws {
        let server = try await NSQTestServer.start(Self.serverConfiguration())
        try await server.inject(topic: "images", body: ByteBuffer(bytes: ImageIDMessage.encode(7)))
        try await server.inject(topic: "images", body: ByteBuffer(bytes: ImageIDMessage.encode(8)))
        let seen = Mutex<[(Int64, Int, Bool)]>([])
        let consumer = try NSQImageConsumer(configuration: Self.consumerConfiguration(server), logger: Self.quiet)
        let run = Task {
            try await consumer.run { delivery in
                seen.withLock { $0.append((delivery.imageID, delivery.deliveryAttempt, delivery.claim == nil)) }
                if delivery.imageID == 8 && delivery.deliveryAttempt == 1 {
                    return .requeue(delay: .milliseconds(40))
                }
                await delivery.touch()
                return .finished
            }
        }
        let snapshot = try await server.waitUntil("both finished") { $0.channel(topic: "images", name: "ch")?.finished == 2 }
        consumer.beginShutdown()
        try await run.value
        let channel = try #require(snapshot.channel(topic: "images", name: "ch"))
        #expect(channel.requeued == 1)
        #expect(channel.touched == 2)
        let idOf8 = try #require(channel.deliveries.first { ImageIDMessage.decode(Array($0.body.readableBytesView)) == 8 }?.messageID)
        #expect(snapshot.clients[0].commands.contains("REQ \(idOf8) 40"))
        let deliveries = seen.withLock { $0 }
        #expect(deliveries.map(\.0).sorted() == [7, 8, 8])
        #expect(deliveries.filter { $0.0 == 8 }.map(\.1) == [1, 2])
        #expect(deliveries.allSatisfy { $0.2 })
        try await server.stop()
    }

    @Test func consumerFinishesAMalformedBodyWithoutCallingTheHandler() async throws {
        let server = try await NSQTestServer.start(Self.serverConfiguration())
        try await server.inject(topic: "images", body: ByteBuffer(string: "not an id"))
        try await server.inject(topic: "images", body: ByteBuffer(bytes: ImageIDMessage.encode(42)))
        let seen = Mutex<[Int64]>([])
        let consumer = try NSQImageConsumer(configuration: Self.consumerConfiguration(server, maxInFlight: 1), logger: Self.quiet)
        let run = Task {
            try await consumer.run { delivery in
                seen.withLock { $0.append(delivery.imageID) }
                return .finished
            }
        }
        try await server.waitUntil("both finished") { $0.channel(topic: "images", name: "ch")?.finished == 2 }
        consumer.beginShutdown()
        try await run.value
        #expect(seen.withLock { $0 } == [42])
        try await server.stop()
    }
}
