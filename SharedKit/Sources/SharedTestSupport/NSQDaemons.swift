import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Real NSQ 1.2.1 daemons for tests: one nsqlookupd and `nodes` nsqd on free loopback ports, each nsqd
/// registered with the lookupd, state in a throwaway folder. Tests kill -9, restart and stop them to
/// exercise the faults a real deployment sees.
///
/// Binaries: `$NSQ_BIN_DIR`, else `../shared/tools/nsq` beside the repository, else `nsqd`/`nsqlookupd`
/// on PATH (as `scripts/nsq.sh`); missing binaries are an error that says how to get them.
public final class NSQDaemons: @unchecked Sendable {
    public struct Node: Sendable {
        public let tcpPort: Int
        public let httpPort: Int
        public var tcpAddress: String { "127.0.0.1:\(tcpPort)" }
        public var httpAddress: String { "127.0.0.1:\(httpPort)" }
    }

    public let directory: String
    public let binDirectory: String
    public let nodes: [Node]
    public let lookupdTCPPort: Int
    public let lookupdHTTPPort: Int
    /// Extra nsqd flags, e.g. `--mem-queue-size=0`.
    public let nsqdArguments: [String]
    private let lock = NSLock()
    private var nsqdProcesses: [Process?]
    private var lookupdProcess: Process?

    public var lookupdHTTPAddress: String { "127.0.0.1:\(lookupdHTTPPort)" }
    public var nsqdTCPAddresses: [String] { nodes.map(\.tcpAddress) }

    /// Starts nsqlookupd and `nodes` nsqd and waits until each answers `/ping`.
    public static func start(nodes: Int = 1, nsqdArguments: [String] = []) async throws -> NSQDaemons {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nsq-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let daemons = NSQDaemons(
            directory: directory, binDirectory: try locateBinaries(),
            nodes: try (0..<nodes).map { _ in Node(tcpPort: try freeLoopbackPort(), httpPort: try freeLoopbackPort()) },
            lookupdTCPPort: try freeLoopbackPort(), lookupdHTTPPort: try freeLoopbackPort(), nsqdArguments: nsqdArguments)
        do {
            try await daemons.restartLookupd()
            for index in 0..<nodes { try await daemons.restart(node: index) }
        } catch {
            daemons.shutdown()
            throw error
        }
        return daemons
    }

    init(directory: String, binDirectory: String, nodes: [Node], lookupdTCPPort: Int, lookupdHTTPPort: Int, nsqdArguments: [String]) {
        self.directory = directory
        self.binDirectory = binDirectory
        self.nodes = nodes
        self.lookupdTCPPort = lookupdTCPPort
        self.lookupdHTTPPort = lookupdHTTPPort
        self.nsqdArguments = nsqdArguments
        self.nsqdProcesses = Array(repeating: nil, count: nodes.count)
    }

    // MARK: - Faults

    /// SIGKILL nsqd `node` (0-based): what it held in memory is gone, as in a crash.
    public func kill(node: Int) { signal(lock.withLock { nsqdProcesses[node] }, SIGKILL) }

    /// SIGTERM nsqd `node`: it flushes its queues to disk and exits.
    public func stop(node: Int) { signal(lock.withLock { nsqdProcesses[node] }, SIGTERM) }

    /// Starts nsqd `node` (again) on its ports and data folder; stops a running one first.
    public func restart(node: Int) async throws {
        stop(node: node)
        let data = "\(directory)/nsqd-\(node)"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let process = try launch(
            "nsqd",
            [
                "--tcp-address=\(nodes[node].tcpAddress)", "--http-address=\(nodes[node].httpAddress)",
                "--lookupd-tcp-address=127.0.0.1:\(lookupdTCPPort)", "--broadcast-address=127.0.0.1", "--data-path=\(data)",
            ] + nsqdArguments,
            log: "\(data).log")
        lock.withLock { nsqdProcesses[node] = process }
        try await waitForPing(nodes[node].httpAddress, process: process, log: "\(data).log")
    }

    /// SIGSTOP nsqd `node`: it keeps its connections but answers nothing (a stalled broker) until `resume`.
    public func pause(node: Int) { deliver(lock.withLock { nsqdProcesses[node] }, SIGSTOP) }

    /// SIGCONT nsqd `node` after `pause`.
    public func resume(node: Int) { deliver(lock.withLock { nsqdProcesses[node] }, SIGCONT) }

    public func killLookupd() { signal(lock.withLock { lookupdProcess }, SIGKILL) }

    public func restartLookupd() async throws {
        signal(lock.withLock { lookupdProcess }, SIGTERM)
        let process = try launch(
            "nsqlookupd",
            ["--tcp-address=127.0.0.1:\(lookupdTCPPort)", "--http-address=\(lookupdHTTPAddress)", "--broadcast-address=127.0.0.1"],
            log: "\(directory)/nsqlookupd.log")
        lock.withLock { lookupdProcess = process }
        try await waitForPing(lookupdHTTPAddress, process: process, log: "\(directory)/nsqlookupd.log")
    }

    /// Stops every daemon and removes the folder.
    public func shutdown() {
        let all = lock.withLock { nsqdProcesses + [lookupdProcess] }
        for process in all {
            deliver(process, SIGCONT)  // a paused nsqd handles SIGTERM only once it runs again
            signal(process, SIGTERM)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: - HTTP API

    /// Creates the topic and channel on every nsqd (as the first SUB would), so messages published before
    /// a consumer subscribes are kept for the channel.
    public func createChannel(topic: String, channel: String) async throws {
        for node in nodes {
            _ = try await http("POST", node.httpAddress, "/topic/create?topic=\(topic)")
            _ = try await http("POST", node.httpAddress, "/channel/create?topic=\(topic)&channel=\(channel)")
        }
    }

    /// Counts from nsqd's `/stats` for one channel on one node (zeros when the channel does not exist).
    public func channelStats(node: Int, topic: String, channel: String) async throws -> ChannelStats {
        let body = try await http("GET", nodes[node].httpAddress, "/stats?format=json&topic=\(topic)&channel=\(channel)")
        let stats = try JSONDecoder().decode(NSQDStats.self, from: body)
        let found = stats.topics.first { $0.topic_name == topic }?.channels.first { $0.channel_name == channel }
        return ChannelStats(
            depth: found?.depth ?? 0, inFlight: found?.in_flight_count ?? 0, deferred: found?.deferred_count ?? 0,
            messages: found?.message_count ?? 0, requeued: found?.requeue_count ?? 0, timedOut: found?.timeout_count ?? 0,
            clients: found?.clients?.count ?? 0)
    }

    /// Messages nsqd `node` took for `topic` since it started.
    public func topicMessageCount(node: Int, topic: String) async throws -> Int {
        let body = try await http("GET", nodes[node].httpAddress, "/stats?format=json&topic=\(topic)")
        return try JSONDecoder().decode(NSQDStats.self, from: body).topics.first { $0.topic_name == topic }?.message_count ?? 0
    }

    /// nsqd TCP addresses nsqlookupd lists for `topic`.
    public func lookup(topic: String) async throws -> [String] {
        guard let body = try? await http("GET", lookupdHTTPAddress, "/lookup?topic=\(topic)") else { return [] }
        let reply = try JSONDecoder().decode(LookupReply.self, from: body)
        return reply.producers.map { "\($0.broadcast_address):\($0.tcp_port)" }
    }

    public struct ChannelStats: Sendable, Equatable {
        public var depth: Int
        public var inFlight: Int
        public var deferred: Int
        public var messages: Int
        public var requeued: Int
        public var timedOut: Int
        public var clients: Int
    }

    // nsqd 1.2's JSON field names.
    private struct NSQDStats: Decodable {
        struct Topic: Decodable {
            var topic_name: String
            var message_count: Int
            var channels: [Channel]
        }
        struct Channel: Decodable {
            var channel_name: String
            var depth: Int
            var in_flight_count: Int
            var deferred_count: Int
            var message_count: Int
            var requeue_count: Int
            var timeout_count: Int
            var clients: [Client]?
        }
        struct Client: Decodable {}
        var topics: [Topic]
    }

    private struct LookupReply: Decodable {
        struct Producer: Decodable {
            var broadcast_address: String
            var tcp_port: Int
        }
        var producers: [Producer]
    }

    private func http(_ method: String, _ address: String, _ path: String) async throws -> Data {
        var request = URLRequest(url: URL(string: "http://\(address)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, status == 200 else {
            throw TestSupportError("\(method) http://\(address)\(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0): \(String(decoding: data, as: UTF8.self))")
        }
        return data
    }

    // MARK: - Processes

    private func launch(_ name: String, _ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(binDirectory)/\(name)")
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    private func waitForPing(_ address: String, process: Process, log: String) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.suffix(600) ?? ""
                throw TestSupportError("\(process.executableURL!.lastPathComponent) exited with \(process.terminationStatus): \(tail)")
            }
            if (try? await http("GET", address, "/ping")) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError("\(address)/ping did not answer within 20 s; see \(log)")
    }

    /// Sends a signal that does not end the process (no wait).
    private func deliver(_ process: Process?, _ signal: Int32) {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
    }

    /// Sends a signal that ends the process and waits for it.
    private func signal(_ process: Process?, _ signal: Int32) {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// `$NSQ_BIN_DIR`, `../shared/tools/nsq` beside the repository, or PATH.
    public static func locateBinaries() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        // This file is SharedKit/Sources/SharedTestSupport/NSQDaemons.swift: four levels below the repository.
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        var candidates = [repository.appendingPathComponent("../shared/tools/nsq").standardized.path]
        if let explicit = environment["NSQ_BIN_DIR"], !explicit.isEmpty { candidates.insert(explicit, at: 0) }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in candidates
        where FileManager.default.isExecutableFile(atPath: directory + "/nsqd")
            && FileManager.default.isExecutableFile(atPath: directory + "/nsqlookupd")
        {
            return directory
        }
        throw TestSupportError(
            """
            the NSQ 1.2.1 daemons (nsqd, nsqlookupd) were not found in $NSQ_BIN_DIR, ../shared/tools/nsq beside the \
            repository, or PATH. Get them from the official release (nsq-1.2.1.linux-amd64.go1.16.6.tar.gz, bin/) or \
            `go install github.com/nsqio/nsq/apps/nsqd@v1.2.1 github.com/nsqio/nsq/apps/nsqlookupd@v1.2.1`, then set \
            NSQ_BIN_DIR or put them on PATH.
            """)
    }
}
