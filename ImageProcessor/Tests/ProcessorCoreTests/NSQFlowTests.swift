import Foundation
import ImageQueue
import Logging
import NSQ
import SharedTestSupport
import Testing

@testable import ProcessorCore

/// The NSQ path end to end with real nsqd 1.2.1 + nsqlookupd: ids published (some twice) on two nsqd,
/// found through lookupd, claimed by the processor itself, processed once each; and an nsqd kill -9 with
/// work in flight, recovered by the consumer's redial and the sweeper's re-announcement.
@Suite("ImageProcessor over NSQ")
struct NSQFlowTests {
    static var quiet: Logger {
        var logger = Logger(label: "nsq-test")
        logger.logLevel = ProcessInfo.processInfo.environment["PROCESSOR_TEST_LOG"] == nil ? .critical : .info
        return logger
    }

    static func consumer(_ daemons: NSQDaemons, maxInFlight: Int = 4) throws -> NSQImageConsumer {
        var configuration = NSQConsumerConfiguration(topic: "images", channel: "processor")
        configuration.lookupdHTTPAddresses = [daemons.lookupdHTTPAddress]
        configuration.lookupdPollInterval = .milliseconds(500)
        configuration.maxInFlight = maxInFlight
        configuration.requeueBackoff = nil
        configuration.outputBufferTimeout = .milliseconds(25)  // nsqd's --min-output-buffer-timeout
        configuration.reconnectBackoff = NSQBackoffPolicy(initial: .milliseconds(100), maximum: .seconds(1))
        return try NSQImageConsumer(configuration: configuration, logger: quiet)
    }

    @Test("ids published on two nsqd are processed exactly once, duplicates included; retries go back through REQ")
    func flow() async throws {
        let script = FaceScript(delay: .milliseconds(20)) { path in
            path.contains("corrupt") ? .error(.invalidArgument, "corrupt image") : .faces([(person: nil, distance: 0.9)])
        }
        let server = try await TestGRPCServer.faces(script)
        let harness = try await ProcessorHarness.make(grpcPort: server.port, maxAttempts: 2)
        let daemons = try await NSQDaemons.start(nodes: 2)
        let producers = try daemons.nodes.map { try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: $0.tcpAddress)) }
        defer { Task { for producer in producers { producer.shutdown() }; daemons.shutdown(); await harness.close(); await server.stop() } }

        let ids = try await harness.insertImages((0..<10).map { "nsq/\($0).jpg" } + ["nsq/corrupt.jpg"])
        try await NSQImagePublisher(producer: producers[0]).publish(Array(ids.prefix(6)))
        try await NSQImagePublisher(producer: producers[1]).publish(Array(ids.dropFirst(6)))
        // Duplicates, e.g. the sweeper and the Receiver both announced.
        try await NSQImagePublisher(producer: producers[1]).publish(Array(ids.prefix(5)))

        let consumer = try Self.consumer(daemons)
        let processor = harness.processor
        let task = Task { try await consumer.run { await processor.handle($0) } }
        try await harness.waitUntil(timeout: .seconds(30), "all settled") {
            try await harness.int("SELECT COUNT(*) FROM images WHERE status IN (1, 2)") == ids.count
        }
        consumer.beginShutdown()
        try await task.value
        for id in ids.dropLast() { #expect(script.calls(for: "nsq/\(id - ids[0]).jpg") == 1) }
        #expect(try await harness.int("SELECT COUNT(*) FROM images WHERE status = 1") == 10)
        #expect(try await harness.int("SELECT COUNT(*) FROM faces") == 10)
        let corrupt = try await harness.row(ids.last!)
        #expect(try corrupt.decode("status", as: Int.self) == 2)
        #expect(try corrupt.decode("attempts", as: Int.self) == 2)
        #expect(script.calls(for: "nsq/corrupt.jpg") == 2)
        let node1 = try await daemons.channelStats(node: 1, topic: "images", channel: "processor")
        #expect(node1.requeued >= 1)  // the corrupt image's retry went back through nsqd
        for node in 0..<2 {
            let stats = try await daemons.channelStats(node: node, topic: "images", channel: "processor")
            #expect(stats.depth == 0 && stats.inFlight == 0 && stats.deferred == 0)
        }
    }

    @Test("nsqd kill -9 with work in flight: nothing lost, nothing processed twice, recovered within seconds")
    func nsqdCrash() async throws {
        let script = FaceScript(delay: .milliseconds(40)) { _ in .faces([(person: nil, distance: 0.9)]) }
        let server = try await TestGRPCServer.faces(script)
        let harness = try await ProcessorHarness.make(grpcPort: server.port, maxAttempts: 3)
        let daemons = try await NSQDaemons.start()
        let producer = try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: daemons.nodes[0].tcpAddress))
        defer { Task { producer.shutdown(); daemons.shutdown(); await harness.close(); await server.stop() } }

        let count = 80
        let ids = try await harness.insertImages((0..<count).map { "crash/\($0).jpg" })
        try await NSQImagePublisher(producer: producer).publish(ids)
        try await harness.pool.execute("UPDATE images SET queued_at = NOW(6)")  // as the Receiver marks them
        let sweeper = Sweeper(
            pool: harness.pool, publisher: try NSQImagePublisher(producer: producer),
            settings: Sweeper.Settings(interval: .milliseconds(200), maxAttempts: 3, unqueuedGrace: .seconds(1), requeueAfter: .seconds(2)),
            logger: Self.quiet)
        let sweeping = Task {
            while !Task.isCancelled {
                _ = try? await sweeper.sweepRetryingConflicts()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        let consumer = try Self.consumer(daemons)
        let processor = harness.processor
        let task = Task { try await consumer.run { await processor.handle($0) } }
        try await harness.waitUntil(timeout: .seconds(30), "some processed") {
            try await harness.int("SELECT COUNT(*) FROM images WHERE status = 1") >= 10
        }
        daemons.kill(node: 0)
        let lostAt = ContinuousClock.now
        let doneBeforeCrash = try await harness.int("SELECT COUNT(*) FROM images WHERE status = 1")
        try await Task.sleep(for: .milliseconds(500))
        try await daemons.restart(node: 0)
        let stats = try await daemons.channelStats(node: 0, topic: "images", channel: "processor")
        #expect(stats.depth == 0)  // nsqd's in-memory queue died with it
        try await harness.waitUntil(timeout: .seconds(30), "all processed after the crash") {
            try await harness.int("SELECT COUNT(*) FROM images WHERE status = 1") == count
        }
        print("nsqd kill -9 with \(count - doneBeforeCrash) of \(count) images outstanding: all processed \(ContinuousClock.now - lostAt) after the kill")
        sweeping.cancel()
        consumer.beginShutdown()
        try await task.value
        for index in 0..<count { #expect(script.calls(for: "crash/\(index).jpg") == 1, "crash/\(index).jpg") }
        #expect(try await harness.int("SELECT COUNT(*) FROM faces") == count)
    }
}
