import Logging
import NIOCore
import NSQ

/// Producer throughput against the in-process nsqd peer (`NSQTestServer`) over loopback TCP:
/// PUB one at a time, PUB pipelined from many tasks, and MPUB in batches of 100.
public func runNSQBenchmarks() async throws {
    var serverConfiguration = NSQTestServer.Configuration()
    serverConfiguration.recordsPublishedBodies = false
    serverConfiguration.recordsCommands = false
    let server = try await NSQTestServer.start(serverConfiguration)
    var configuration = NSQProducerConfiguration(nsqdTCPAddress: server.address)
    configuration.clientID = "nsq-bench"
    let quiet = Logger(label: "nsq-bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let producer = try NSQProducer(configuration: configuration, logger: quiet)
    let body = ByteBuffer(bytes: [1, 0, 0, 0, 0, 0, 0, 0])  // an 8-byte image id, as in production

    try await producer.publish(topic: "bench", body: body)  // connect and warm up

    func report(_ name: String, messages: Int, _ elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Int(Double(messages) / seconds)
        let milliseconds = Int(seconds * 1000)
        print("nsq \(name): \(messages) messages in \(milliseconds) ms = \(rate) msgs/s")
    }

    let clock = ContinuousClock()

    let sequential = 20_000
    var elapsed = try await clock.measure {
        for _ in 0..<sequential { try await producer.publish(topic: "bench", body: body) }
    }
    report("PUB (one at a time, wait for OK)", messages: sequential, elapsed)

    let pipelined = 100_000
    let publishers = 64
    elapsed = try await clock.measure {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<publishers {
                group.addTask {
                    for _ in 0..<(pipelined / publishers) { try await producer.publish(topic: "bench", body: body) }
                }
            }
            try await group.waitForAll()
        }
    }
    report("PUB (\(publishers) concurrent publishers, pipelined)", messages: pipelined / publishers * publishers, elapsed)

    let batches = 2_000
    let batch = [ByteBuffer](repeating: body, count: 100)
    elapsed = try await clock.measure {
        for _ in 0..<batches { try await producer.multiPublish(topic: "bench", bodies: batch) }
    }
    report("MPUB-100 (one batch at a time)", messages: batches * 100, elapsed)

    elapsed = try await clock.measure {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<(batches / 8) { try await producer.multiPublish(topic: "bench", bodies: batch) }
                }
            }
            try await group.waitForAll()
        }
    }
    report("MPUB-100 (8 concurrent publishers)", messages: batches * 100, elapsed)

    producer.shutdown()
    try await server.stop()
}
