import Foundation
import ImageQueue
import Logging
import NSQ
import SharedTestSupport
import Testing

@testable import ProcessorCore

/// The NSQ path end to end with the in-process nsqd peer: ids published (some twice), consumed,
/// claimed by the processor itself, processed once each.
@Suite("ImageProcessor over NSQ")
struct NSQFlowTests {
    @Test("published ids are processed exactly once, duplicates included; retries go back through REQ")
    func flow() async throws {
        let script = FaceScript(delay: .milliseconds(20)) { path in
            path.contains("corrupt") ? .error(.invalidArgument, "corrupt image") : .faces([(person: nil, distance: 0.9)])
        }
        let server = try await TestGRPCServer.faces(script)
        let harness = try await ProcessorHarness.make(grpcPort: server.port, maxAttempts: 2)
        let nsqd = try await NSQTestServer.start()
        let producer = try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: nsqd.address))
        defer { Task { producer.shutdown(); try? await nsqd.stop(); await harness.close(); await server.stop() } }

        let ids = try await harness.insertImages((0..<10).map { "nsq/\($0).jpg" } + ["nsq/corrupt.jpg"])
        let publisher = try NSQImagePublisher(producer: producer)
        try await publisher.publish(ids)
        try await publisher.publish(Array(ids.prefix(5)))  // duplicates, e.g. the sweeper and the Receiver both announced

        var configuration = NSQConsumerConfiguration(topic: "images", channel: "processor")
        configuration.nsqdTCPAddresses = [nsqd.address]
        configuration.maxInFlight = 4
        configuration.requeueBackoff = nil
        var logger = Logger(label: "nsq-test")
        logger.logLevel = .critical
        let consumer = try NSQImageConsumer(configuration: configuration, logger: logger)
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
        let channel = try await nsqd.snapshot().channel(topic: "images", name: "processor")
        #expect((channel?.requeued ?? 0) >= 1)
    }
}
