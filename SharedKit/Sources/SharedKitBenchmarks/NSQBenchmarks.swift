import Logging
import NIOCore
import NSQ
import SharedTestSupport
import Synchronization

/// Producer and consumer throughput against a real nsqd 1.2.1 over loopback TCP, once with nsqd's default
/// in-memory queue (`--mem-queue-size=10000`) and once with `--mem-queue-size=0` (every message through
/// its disk queue, so a kill -9 loses only what was in flight): PUB one at a time, PUB pipelined from many
/// tasks, MPUB in batches of 100, then one consumer (max-in-flight 200) draining the channel.
public func runNSQBenchmarks() async throws {
    for flags in [[String](), ["--mem-queue-size=0"]] {
        let daemons = try await NSQDaemons.start(nsqdArguments: flags)
        defer { daemons.shutdown() }
        print("nsqd \(flags.isEmpty ? "--mem-queue-size=10000 (default)" : flags.joined(separator: " ")):")
        try await daemons.createChannel(topic: "bench", channel: "ch")
        try await benchmark(daemons)
    }
}

private func benchmark(_ daemons: NSQDaemons) async throws {
    var configuration = NSQProducerConfiguration(nsqdTCPAddress: daemons.nodes[0].tcpAddress)
    configuration.clientID = "nsq-bench"
    let quiet = Logger(label: "nsq-bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let producer = try NSQProducer(configuration: configuration, logger: quiet)
    defer { producer.shutdown() }
    let body = ByteBuffer(bytes: [1, 0, 0, 0, 0, 0, 0, 0])  // an 8-byte image id, as in production

    try await producer.publish(topic: "bench", body: body)  // connect and warm up

    func report(_ name: String, messages: Int, _ elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Int(Double(messages) / seconds)
        let milliseconds = Int(seconds * 1000)
        print("  nsq \(name): \(messages) messages in \(milliseconds) ms = \(rate) msgs/s")
    }

    let clock = ContinuousClock()

    let sequential = 5_000
    var elapsed = try await clock.measure {
        for _ in 0..<sequential { try await producer.publish(topic: "bench", body: body) }
    }
    report("PUB (one at a time, wait for OK)", messages: sequential, elapsed)

    let pipelined = 32_000
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
    report("PUB (\(publishers) concurrent publishers, pipelined)", messages: pipelined, elapsed)

    let batches = 500
    let batch = [ByteBuffer](repeating: body, count: 100)
    elapsed = try await clock.measure {
        for _ in 0..<batches { try await producer.multiPublish(topic: "bench", bodies: batch) }
    }
    report("MPUB-100 (one batch at a time)", messages: batches * 100, elapsed)

    let queued = try await daemons.channelStats(node: 0, topic: "bench", channel: "ch").depth
    var consumerConfiguration = NSQConsumerConfiguration(topic: "bench", channel: "ch")
    consumerConfiguration.nsqdTCPAddresses = daemons.nsqdTCPAddresses
    consumerConfiguration.maxInFlight = 200
    let consumer = try NSQConsumer(configuration: consumerConfiguration, logger: quiet)
    let received = ReceivedCount()
    let start = clock.now
    let run = Task { try await consumer.run { _ in received.add(); return .finish } }
    while received.value < queued { try await Task.sleep(for: .milliseconds(5)) }
    elapsed = clock.now - start
    consumer.beginShutdown()
    try await run.value
    report("consume + FIN (max-in-flight 200)", messages: queued, elapsed)
}

private final class ReceivedCount: Sendable {
    private let count = Mutex<Int>(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
}
