import Foundation
import Hummingbird
import HummingbirdTesting
import ImageQueue
import NSQ
import SharedTestSupport
import Testing

@testable import ReceiverApp

/// One `/image/post` answer: what a client of the coalesced hot path sees.
struct PostAnswer: Sendable {
    let path: String
    let status: HTTPResponse.Status
    let outcome: String?
    let id: Int?
}

/// Posts every path at once (one task each), so the requests overlap and share batches.
func postConcurrently(_ client: some TestClientProtocol, _ paths: [String]) async throws -> [PostAnswer] {
    try await withThrowingTaskGroup(of: PostAnswer.self) { group in
        for path in paths {
            group.addTask {
                let response = try await client.execute(
                    uri: "/image/post", method: .post, headers: jsonHeaders, body: jsonBody("{\"path\":\"\(path)\"}"))
                return PostAnswer(
                    path: path, status: response.status, outcome: response.json["status"] as? String,
                    id: response.json["id"] as? Int)
            }
        }
        var answers: [PostAnswer] = []
        for try await answer in group { answers.append(answer) }
        return answers
    }
}

@Suite("Receiver write coalescing (group commit)")
struct CoalescingTests {
    @Test("concurrent posts share batches; each gets its own answer, a duplicate 200 with the first one's id")
    func concurrentWithDuplicates() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        try await harness.pool.execute("INSERT INTO images (path, person, status) VALUES ('known.jpg', -1, 1)")
        let unique = (0..<150).map { "c/\($0).jpg" }
        // Each of the first 50 paths three times, and a path stored before, all at the same moment.
        let posted = (unique + unique.prefix(50) + unique.prefix(50) + ["known.jpg", "known.jpg"]).shuffled()
        let answers = try await harness.app().test(.router) { client in try await postConcurrently(client, posted) }
        #expect(answers.count == posted.count)
        let byPath = Dictionary(grouping: answers, by: \.path)
        for path in unique {
            let mine = byPath[path] ?? []
            #expect(mine.filter { $0.status == .accepted && $0.outcome == "queued" }.count == 1, "\(path)")
            #expect(mine.filter { $0.status == .ok && $0.outcome == "duplicate" }.count == mine.count - 1, "\(path)")
            #expect(Set(mine.map(\.id)).count == 1, "one id for \(path)")
        }
        #expect(byPath["known.jpg"]?.allSatisfy { $0.status == .ok && $0.outcome == "duplicate" } == true)
        #expect(try await harness.count("SELECT COUNT(*) FROM images") == 151)
        #expect(try await harness.count("SELECT COUNT(*) FROM images WHERE person = -1 AND status = 0 AND queued_at IS NOT NULL") == 150)
        // Every new id announced exactly once, in far fewer publish calls than requests.
        let published = await harness.published()
        let ids = published.flatMap { $0 }
        #expect(ids.count == 150)
        #expect(Set(ids.map(Int.init)) == Set(answers.compactMap { $0.outcome == "queued" ? $0.id : nil }))
        #expect(published.count < 75, "\(published.count) publish calls for \(posted.count) concurrent requests")
    }

    @Test("re-posting failed images concurrently retries each once (same id) within coalesced batches")
    func failedReposted() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        let failed = (0..<10).map { "f/\($0).jpg" }
        for path in failed {
            try await harness.pool.execute(
                "INSERT INTO images (path, person, status, attempts, last_error) VALUES (?, -1, 2, 5, 'gave up')", [.string(path)])
        }
        let before = try await harness.pool.query("SELECT id, path FROM images")
        var oldIDs: [String: Int] = [:]
        for row in before { oldIDs[try row.decode("path", as: String.self)] = Int(try row.decode("id", as: Int64.self)) }
        let posted = (failed + failed + (0..<40).map { "n/\($0).jpg" }).shuffled()
        let answers = try await harness.app().test(.router) { client in try await postConcurrently(client, posted) }
        for path in failed {
            let mine = answers.filter { $0.path == path }
            #expect(mine.compactMap(\.outcome).sorted() == ["duplicate", "queued"], "\(path)")
            #expect(mine.allSatisfy { $0.id == oldIDs[path] }, "\(path) keeps its id")
        }
        #expect(
            try await harness.count(
                "SELECT COUNT(*) FROM images WHERE path LIKE 'f/%' AND status = 0 AND attempts = 0 AND last_error IS NULL AND queued_at IS NOT NULL")
                == 10)
        let ids = await harness.published().flatMap { $0 }
        #expect(ids.count == 50)
        #expect(Set(ids).count == 50)
    }

    @Test("one failing path fails only its own request; the rest of its batch is stored and announced")
    func errorIsolation() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        try await harness.pool.withConnection { connection in
            try await connection.run(
                "CREATE TRIGGER poison BEFORE INSERT ON images FOR EACH ROW BEGIN IF NEW.path = 'poison.jpg' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; END IF; END")
        }
        let good = (0..<60).map { "g/\($0).jpg" }
        let answers = try await harness.app().test(.router) { client in
            try await postConcurrently(client, (good + ["poison.jpg", "poison.jpg"]).shuffled())
        }
        #expect(answers.filter { $0.path == "poison.jpg" }.allSatisfy { $0.status == .internalServerError })
        #expect(answers.filter { $0.path != "poison.jpg" }.allSatisfy { $0.status == .accepted && $0.outcome == "queued" })
        #expect(try await harness.count("SELECT COUNT(*) FROM images") == 60)
        #expect((await harness.published()).flatMap { $0 }.count == 60)
    }

    @Test("real nsqd: concurrent posts become MPUBs; every new id published once, none left for the sweeper")
    func realNSQ() async throws {
        let nsq = try await NSQDaemons.start()
        let producer = try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: nsq.nsqdTCPAddresses[0]))
        let harness = try await ReceiverHarness.make(publisher: try NSQImagePublisher(producer: producer))
        defer {
            nsq.shutdown()  // at once: daemons must not outlive the test process
            Task { await harness.close(); producer.shutdown() }
        }
        let unique = (0..<120).map { "q/\($0).jpg" }
        let answers = try await harness.app().test(.router) { client in
            try await postConcurrently(client, (unique + unique.prefix(30)).shuffled())
        }
        #expect(answers.filter { $0.status == .accepted }.count == 120)
        #expect(answers.filter { $0.status == .ok }.count == 30)
        let calls = await harness.published()
        #expect(try await nsq.topicMessageCount(node: 0, topic: "images") == 120)
        #expect(calls.flatMap { $0 }.count == 120)
        #expect(calls.count < 60, "\(calls.count) publish calls for 150 concurrent requests")
        #expect(try await harness.count("SELECT COUNT(*) FROM images WHERE queued_at IS NULL", reaches: 0) == 0)
    }

    @Test("stalled nsqd: a batch is answered once committed though its publish hangs; the next waits; all published once")
    func stalledQueue() async throws {
        let nsq = try await NSQDaemons.start()
        let producer = try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: nsq.nsqdTCPAddresses[0]))
        let harness = try await ReceiverHarness.make(
            settings: ReceiverSettings(coalescingLanes: 1, coalescedPublishesInFlight: 1),
            publisher: try NSQImagePublisher(producer: producer))
        defer {
            nsq.shutdown()
            Task { await harness.close(); producer.shutdown() }
        }
        try await harness.app().test(.router) { client in
            #expect(try await postConcurrently(client, ["warm.jpg"]).map(\.status) == [.accepted])
            _ = await harness.published()  // the producer is connected
            nsq.pause(node: 0)
            // Committed and answered although its MPUB gets no reply.
            #expect(try await postConcurrently(client, ["stall/1.jpg"]).map(\.status) == [.accepted])
            let second = Task { try await postConcurrently(client, ["stall/2.jpg"]) }
            try await Task.sleep(for: .seconds(1))
            #expect(harness.dependencies.publishes.count == 1, "the first publish hangs")
            #expect(try await harness.count("SELECT COUNT(*) FROM images WHERE path = 'stall/2.jpg'") == 1, "stored, waiting to be answered")
            nsq.resume(node: 0)
            #expect(try await second.value.map(\.status) == [.accepted])
        }
        #expect(await harness.published().map(\.count) == [1, 1, 1])
        #expect(try await nsq.topicMessageCount(node: 0, topic: "images") == 3)
        #expect(try await harness.count("SELECT COUNT(*) FROM images WHERE queued_at IS NULL") == 0)
    }

    @Test("NSQ down: concurrent posts still succeed; their rows stay pending with queued_at NULL for the sweeper")
    func publishFails() async throws {
        let port = try SharedTestSupport.freeLoopbackPort()
        var configuration = NSQProducerConfiguration(nsqdTCPAddress: "127.0.0.1:\(port)")
        configuration.connectTimeout = .milliseconds(300)
        let producer = try NSQProducer(configuration: configuration)
        let harness = try await ReceiverHarness.make(publisher: try NSQImagePublisher(producer: producer))
        defer { Task { await harness.close(); producer.shutdown() } }
        let paths = (0..<40).map { "down/\($0).jpg" }
        let answers = try await harness.app().test(.router) { client in try await postConcurrently(client, paths + paths.prefix(5)) }
        #expect(answers.filter { $0.status == .accepted }.count == 40)
        #expect(answers.filter { $0.status == .ok }.count == 5)
        #expect(try await harness.count("SELECT COUNT(*) FROM images WHERE status = 0 AND queued_at IS NULL", reaches: 40) == 40)
        // Publishing was attempted (and failed) in fewer calls than requests.
        let calls = await harness.published()
        #expect(calls.flatMap { $0 }.count == 40)
        #expect(calls.count < 40)
    }

    @Test("an idle request goes at once: the window applies only to batches formed under load")
    func idleNoWait() async throws {
        let harness = try await ReceiverHarness.make(settings: ReceiverSettings(coalescingWindow: .seconds(3)))
        defer { Task { await harness.close() } }
        try await harness.app().test(.router) { client in
            for index in 0..<3 {
                let started = ContinuousClock.now
                let response = try await client.execute(
                    uri: "/image/post", method: .post, headers: jsonHeaders, body: jsonBody("{\"path\":\"idle/\(index).jpg\"}"))
                #expect(response.status == .accepted)
                #expect(ContinuousClock.now - started < .seconds(1), "a lone request must not wait for the window")
            }
        }
        #expect((await harness.published()).count == 3)
    }

    @Test("coalescing off (1): every request stores and publishes on its own")
    func off() async throws {
        let harness = try await ReceiverHarness.make(settings: ReceiverSettings(maxCoalescedRequests: 1))
        defer { Task { await harness.close() } }
        let paths = (0..<30).map { "off/\($0).jpg" }
        let answers = try await harness.app().test(.router) { client in try await postConcurrently(client, paths) }
        #expect(answers.allSatisfy { $0.status == .accepted })
        #expect((await harness.published()).count == 30)
    }

    @Test("a batch is bounded by the configured size")
    func bounded() async throws {
        let harness = try await ReceiverHarness.make(settings: ReceiverSettings(maxCoalescedRequests: 4))
        defer { Task { await harness.close() } }
        let paths = (0..<80).map { "b/\($0).jpg" }
        let answers = try await harness.app().test(.router) { client in try await postConcurrently(client, paths) }
        #expect(answers.allSatisfy { $0.status == .accepted })
        let calls = await harness.published()
        #expect(calls.allSatisfy { $0.count <= 4 })
        #expect(calls.flatMap { $0 }.count == 80)
        #expect(calls.count >= 20)
    }
}
