import ImageQueue
import Logging
import NIOCore
import NSQ
import SharedTestSupport
import Synchronization
import Testing

/// The NSQ adapters of the ImageQueue seam, against a real nsqd 1.2.1 (+ nsqlookupd).
@Suite struct NSQImageQueueTests {
    static let quiet = Logger(label: "nsq-image-queue-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func producer(_ daemons: NSQDaemons, node: Int = 0) throws -> NSQProducer {
        try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: daemons.nodes[node].tcpAddress), logger: quiet)
    }

    static func consumerConfiguration(_ daemons: NSQDaemons, maxInFlight: Int = 2) -> NSQConsumerConfiguration {
        var configuration = NSQConsumerConfiguration(topic: "images", channel: "ch")
        configuration.nsqdTCPAddresses = daemons.nsqdTCPAddresses
        configuration.maxInFlight = maxInFlight
        configuration.requeueBackoff = nil
        configuration.outputBufferTimeout = .milliseconds(25)  // nsqd's --min-output-buffer-timeout
        return configuration
    }

    /// Polls until `condition` holds (10 s at most).
    static func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what)")
        throw TestSupportError("timed out waiting for \(what)")
    }

    @Test func publisherSendsLittleEndianIdsThatNsqdDeliversOnceEach() async throws {
        let daemons = try await NSQDaemons.start()
        defer { daemons.shutdown() }
        try await daemons.createChannel(topic: "images", channel: "ch")
        let producer = try Self.producer(daemons)
        defer { producer.shutdown() }
        let publisher = try NSQImagePublisher(producer: producer, topic: "images", maxBatchSize: 2)
        try await publisher.publish([0x0102])
        try await publisher.publish([1, 2, 3])  // one MPUB of 2 and one of 1
        try await publisher.publish([])
        #expect(try await daemons.topicMessageCount(node: 0, topic: "images") == 4)
        #expect(try await daemons.channelStats(node: 0, topic: "images", channel: "ch").depth == 4)
        let bodies = Mutex<[[UInt8]]>([])
        let consumer = try NSQConsumer(configuration: Self.consumerConfiguration(daemons, maxInFlight: 4), logger: Self.quiet)
        let run = Task { try await consumer.run { delivery in bodies.withLock { $0.append(delivery.message.bodyBytes) }; return .finish } }
        try await Self.eventually("4 deliveries") { bodies.withLock { $0.count } == 4 }
        consumer.beginShutdown()
        try await run.value
        let all = bodies.withLock { $0 }
        #expect(all.contains([0x02, 0x01, 0, 0, 0, 0, 0, 0]))
        #expect(all.compactMap { ImageIDMessage.decode($0) }.sorted() == [1, 2, 3, 0x0102])
        let stats = try await daemons.channelStats(node: 0, topic: "images", channel: "ch")
        #expect(stats.depth == 0 && stats.inFlight == 0)
    }

    @Test func publisherRejectsAnInvalidTopic() async throws {
        let producer = try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: "127.0.0.1:4150"), logger: Self.quiet)
        #expect(throws: NSQError.invalidTopicName("no spaces")) { try NSQImagePublisher(producer: producer, topic: "no spaces") }
        producer.shutdown()
    }

    @Test func consumerMapsOutcomesToFinAndReqAndTouch() async throws {
        let daemons = try await NSQDaemons.start()
        defer { daemons.shutdown() }
        let producer = try Self.producer(daemons)
        defer { producer.shutdown() }
        try await NSQImagePublisher(producer: producer).publish([7, 8])
        let seen = Mutex<[(Int64, Int, Bool)]>([])
        let consumer = try NSQImageConsumer(configuration: Self.consumerConfiguration(daemons), logger: Self.quiet)
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
        try await Self.eventually("three deliveries") { seen.withLock { $0.count } == 3 }
        try await Self.eventually("nothing in flight") {
            let stats = try await daemons.channelStats(node: 0, topic: "images", channel: "ch")
            return stats.inFlight == 0 && stats.depth == 0 && stats.deferred == 0
        }
        consumer.beginShutdown()
        try await run.value
        // nsqd counts the REQ; the FINs emptied the channel (a TOUCH on a finished message would be an error).
        #expect(try await daemons.channelStats(node: 0, topic: "images", channel: "ch").requeued == 1)
        let deliveries = seen.withLock { $0 }
        #expect(deliveries.map(\.0).sorted() == [7, 8, 8])
        #expect(deliveries.filter { $0.0 == 8 }.map(\.1) == [1, 2])
        #expect(deliveries.allSatisfy { $0.2 })
    }

    @Test func consumerFinishesAMalformedBodyWithoutCallingTheHandler() async throws {
        let daemons = try await NSQDaemons.start()
        defer { daemons.shutdown() }
        let producer = try Self.producer(daemons)
        defer { producer.shutdown() }
        try await producer.publish(topic: "images", body: ByteBuffer(string: "not an id"))
        try await producer.publish(topic: "images", body: ByteBuffer(bytes: ImageIDMessage.encode(42)))
        let seen = Mutex<[Int64]>([])
        let consumer = try NSQImageConsumer(configuration: Self.consumerConfiguration(daemons, maxInFlight: 1), logger: Self.quiet)
        let run = Task { try await consumer.run { delivery in seen.withLock { $0.append(delivery.imageID) }; return .finished } }
        try await Self.eventually("42 handled") { seen.withLock { $0 } == [42] }
        try await Self.eventually("channel empty") {
            let stats = try await daemons.channelStats(node: 0, topic: "images", channel: "ch")
            return stats.messages == 2 && stats.depth == 0 && stats.inFlight == 0
        }
        consumer.beginShutdown()
        try await run.value
        #expect(seen.withLock { $0 } == [42])
    }
}
