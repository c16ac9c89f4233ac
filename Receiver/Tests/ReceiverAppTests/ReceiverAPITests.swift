import Foundation
import Hummingbird
import HummingbirdTesting
import ImageQueue
import MySQL
import NSQ
import NSQTestSupport
import Testing

@testable import ReceiverApp

@Suite("Receiver API")
struct ReceiverAPITests {
    @Test("re-posting a path is idempotent: same id, status duplicate, 200")
    func idempotentRepost() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        try await harness.app().test(.router) { client in
            let body = jsonBody("{\"path\":\"people/obama2.jpg\"}")
            let first = try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: body)
            #expect(first.status == .accepted)
            #expect(first.json["status"] as? String == "queued")
            let id = try #require(first.json["id"] as? Int)
            for _ in 0..<3 {
                let again = try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: body)
                #expect(again.status == .ok)
                #expect(again.json["status"] as? String == "duplicate")
                #expect(again.json["id"] as? Int == id)
            }
            // The same path in a batch is a duplicate too.
            let batch = try await client.execute(
                uri: "/images/post", method: .post, headers: jsonHeaders,
                body: jsonBody("{\"paths\":[{\"path\":\"people/obama2.jpg\"}]}"))
            #expect(batch.status == .accepted)
            let results = batch.json["results"] as? [[String: Any]] ?? []
            #expect(results.first?["status"] as? String == "duplicate")
            #expect(results.first?["id"] as? Int == id)
        }
        #expect(try await harness.count("SELECT COUNT(*) FROM images") == 1)
        // Only the first post announced the id.
        #expect((await harness.published()).count == 1)
    }

    @Test("re-posting a failed image retries it: same id, pending again, attempts reset, announced again")
    func repostFailedRetries() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        let failSQL = "UPDATE images SET status = 2, attempts = 5, last_error = 'gave up', queued_at = NULL WHERE path = ?"
        try await harness.app().test(.router) { client in
            let body = jsonBody("{\"path\":\"people/obama2.jpg\"}")
            let first = try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: body)
            let id = try #require(first.json["id"] as? Int)
            try await harness.pool.execute(failSQL, [.string("people/obama2.jpg")])
            let retry = try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: body)
            #expect(retry.status == .accepted)
            #expect(retry.json["status"] as? String == "queued")
            #expect(retry.json["id"] as? Int == id)
            // Pending now, so a further post is a plain duplicate again.
            let again = try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: body)
            #expect(again.json["status"] as? String == "duplicate")

            // Batch: a failed path among new and processed ones.
            try await harness.pool.execute(failSQL, [.string("people/obama2.jpg")])
            try await harness.pool.execute("INSERT INTO images (path, status) VALUES ('done.jpg', 1)")
            let batch = try await client.execute(
                uri: "/images/post", method: .post, headers: jsonHeaders,
                body: jsonBody("{\"paths\":[{\"path\":\"people/obama2.jpg\"},{\"path\":\"done.jpg\"},{\"path\":\"new.jpg\"}]}"))
            let results = batch.json["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["status"] as? String } == ["queued", "duplicate", "queued"])
            #expect(results.first?["id"] as? Int == id)
        }
        let reset = "SELECT COUNT(*) FROM images WHERE path = 'people/obama2.jpg' AND status = 0 AND attempts = 0 AND last_error IS NULL AND queued_at IS NOT NULL"
        #expect(try await harness.count(reset) == 1)
        #expect(try await harness.count("SELECT COUNT(*) FROM images WHERE path = 'done.jpg' AND status = 1") == 1)
        // First post, single retry, batch (retry + new): three announcements.
        #expect((await harness.published()).count == 3)
        #expect((await harness.published())[2].count == 2)
    }

    @Test("a batch is stored in one transaction and announced with one publish call")
    func batch() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        try await harness.pool.execute("INSERT INTO images (path, status) VALUES ('old.jpg', 1)")
        try await harness.app().test(.router) { client in
            let paths = (0..<500).map { "batch/\($0).jpg" } + ["old.jpg", "batch/0.jpg", "bad.txt"]
            let body = "{\"paths\":[" + paths.map { "{\"path\":\"\($0)\"}" }.joined(separator: ",") + "]}"
            let response = try await client.execute(uri: "/images/post", method: .post, headers: jsonHeaders, body: jsonBody(body))
            #expect(response.status == .multiStatus)
            let results = response.json["results"] as? [[String: Any]] ?? []
            #expect(results.count == paths.count)
            #expect(response.json["queued"] as? Int == 500)
            #expect(response.json["duplicate"] as? Int == 2)
            #expect(response.json["rejected"] as? Int == 1)
            #expect(results[500]["status"] as? String == "duplicate")
            #expect(results[501]["status"] as? String == "duplicate")
            #expect(results[501]["id"] as? Int == results[0]["id"] as? Int)
            #expect(results[502]["code"] as? String == "unsupported_extension")
            let ids = Set(results.prefix(500).compactMap { $0["id"] as? Int })
            #expect(ids.count == 500)
            #expect((await harness.published()).count == 1)
            #expect(Set((await harness.published())[0].map(Int.init)) == ids)
        }
        #expect(try await harness.count("SELECT COUNT(*) FROM images") == 501)
        // MySQL queue: the row is the queue entry, so queued_at is set at insert.
        #expect(try await harness.count("SELECT COUNT(*) FROM images WHERE queued_at IS NULL AND path LIKE 'batch/%'") == 0)
    }

    @Test("a failing batch stores nothing (one transaction)")
    func batchAtomicity() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        // A trigger that fails the 3rd insert of the statement makes the multi-row insert fail half way.
        try await harness.pool.withConnection { connection in
            try await connection.run(
                "CREATE TRIGGER fail_third BEFORE INSERT ON images FOR EACH ROW BEGIN IF NEW.path = 'atomic/2.jpg' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; END IF; END")
        }
        try await harness.app().test(.router) { client in
            let body = "{\"paths\":[" + (0..<5).map { "{\"path\":\"atomic/\($0).jpg\"}" }.joined(separator: ",") + "]}"
            let response = try await client.execute(uri: "/images/post", method: .post, headers: jsonHeaders, body: jsonBody(body))
            #expect(response.status == .internalServerError)
        }
        #expect(try await harness.count("SELECT COUNT(*) FROM images") == 0)
        #expect((await harness.published()).isEmpty)
    }

    @Test("GET /images/{id}: status, person, faces, attempts, last error")
    func details() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        let pool = harness.pool
        try await pool.execute("INSERT INTO person (name) VALUES ('Barack Obama')")
        let person = try await pool.query("SELECT id FROM person")[0].decode("id", as: Int64.self)
        try await pool.execute(
            "INSERT INTO images (path, status, person, attempts, last_error) VALUES ('o.jpg', 1, ?, 2, 'timeout once')", [.int(person)])
        let image = try await pool.query("SELECT id FROM images")[0].decode("id", as: Int64.self)
        let descriptor = MySQLValue.bytes([UInt8](repeating: 0, count: 512))
        try await pool.execute(
            "INSERT INTO faces (image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, person_id, distance) VALUES (?, 0, 10, 20, 110, 120, ?, ?, 0.42), (?, 1, 5, 6, 7, 8, ?, NULL, NULL)",
            [.int(image), descriptor, .int(person), .int(image), descriptor])
        try await harness.app().test(.router) { client in
            let response = try await client.execute(uri: "/images/\(image)", method: .get)
            #expect(response.status == .ok)
            let json = response.json
            #expect(json["status"] as? String == "processed")
            #expect(json["status_code"] as? Int == 1)
            #expect(json["attempts"] as? Int == 2)
            #expect(json["last_error"] as? String == "timeout once")
            #expect((json["person"] as? [String: Any])?["name"] as? String == "Barack Obama")
            let faces = json["faces"] as? [[String: Any]] ?? []
            #expect(faces.count == 2)
            #expect((faces[0]["box"] as? [String: Any])?["right"] as? Int == 110)
            #expect((faces[0]["person"] as? [String: Any])?["id"] as? Int == Int(person))
            #expect(faces[0]["distance"] as? Double == 0.42)
            #expect(faces[1]["person"] is NSNull)
            let missing = try await client.execute(uri: "/images/999999", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test("upload: stored as uploads/<sha256>.<ext>, queued, the same bytes twice is one image")
    func upload() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [UInt8](repeating: 7, count: 100)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 1, count: 50)
        try await harness.app().test(.router) { client in
            let first = try await client.execute(uri: "/images", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: jpeg))
            #expect(first.status == .accepted, "\(first.text)")
            let path = try #require(first.json["path"] as? String)
            #expect(path == "uploads/\(SHA256.hex(jpeg)).jpg")
            let stored = try #require(FileManager.default.contents(atPath: harness.root + "/" + path))
            #expect(Array(stored) == jpeg)
            let second = try await client.execute(uri: "/images", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: jpeg))
            #expect(second.status == .ok)
            #expect(second.json["status"] as? String == "duplicate")
            #expect(second.json["id"] as? Int == first.json["id"] as? Int)

            // multipart/form-data, as `curl -F image=@x.png` sends it; the content type of the part is not trusted.
            var multipart = Array("--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
            multipart += png + Array("\r\n--XyZ--\r\n".utf8)
            let third = try await client.execute(
                uri: "/images", method: .post, headers: [.contentType: "multipart/form-data; boundary=XyZ"], body: ByteBuffer(bytes: multipart))
            #expect(third.status == .accepted, "\(third.text)")
            #expect(third.json["path"] as? String == "uploads/\(SHA256.hex(png)).png")
            #expect(FileManager.default.fileExists(atPath: harness.root + "/uploads/\(SHA256.hex(png)).png"))
        }
        let temporaries = try FileManager.default.contentsOfDirectory(atPath: harness.root + "/uploads").filter { $0.hasPrefix(".upload-") }
        #expect(temporaries.isEmpty)
        #expect(try await harness.count("SELECT COUNT(*) FROM images WHERE path LIKE 'uploads/%'") == 2)
    }

    @Test("an upload over the limit is 413 and writes no file")
    func uploadTooLarge() async throws {
        let harness = try await ReceiverHarness.make(settings: ReceiverSettings(maxUploadBytes: 1024))
        defer { Task { await harness.close() } }
        try await harness.app().test(.router) { client in
            let big: [UInt8] = [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0, count: 4000)
            let response = try await client.execute(uri: "/images", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: big))
            #expect(response.status == .contentTooLarge)
        }
        #expect(!FileManager.default.fileExists(atPath: harness.root + "/uploads"))
    }

    @Test("readiness flips at once when draining while requests are still served")
    func readinessDrains() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        try await harness.app().test(.router) { client in
            let before = try await client.execute(uri: "/readyz", method: .get)
            #expect(before.status == .ok)
            harness.health.beginDraining()
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.text.contains("draining"))
            let post = try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: jsonBody("{\"path\":\"d.jpg\"}"))
            #expect(post.status == .accepted)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
        }
    }

    @Test("live server: the seed's requests over real HTTP")
    func live() async throws {
        let harness = try await ReceiverHarness.make()
        defer { Task { await harness.close() } }
        try await harness.app().test(.live) { client in
            let response = try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: jsonBody("{\"path\":\"live.jpg\"}"))
            #expect(response.status == .accepted)
            let id = try #require(response.json["id"] as? Int)
            let details = try await client.execute(uri: "/images/\(id)", method: .get)
            #expect(details.json["status"] as? String == "pending")
        }
    }
}

@Suite("Receiver with NSQ")
struct ReceiverNSQTests {
    @Test("NSQ: one MPUB per batch, none left for the sweeper")
    func publishesAndMarks() async throws {
        let nsqd = try await NSQTestServer.start()
        let producer = try NSQProducer(configuration: NSQProducerConfiguration(nsqdTCPAddress: nsqd.address))
        let harness = try await ReceiverHarness.make(publisher: try NSQImagePublisher(producer: producer))
        defer { Task { await harness.close(); producer.shutdown(); try? await nsqd.stop() } }
        try await harness.app().test(.router) { client in
            let body = "{\"paths\":[" + (0..<20).map { "{\"path\":\"n/\($0).jpg\"}" }.joined(separator: ",") + "]}"
            let batch = try await client.execute(uri: "/images/post", method: .post, headers: jsonHeaders, body: jsonBody(body))
            #expect(batch.status == .accepted)
            let single = try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: jsonBody("{\"path\":\"n/single.jpg\"}"))
            #expect(single.status == .accepted)
        }
        _ = await harness.published()  // the single post's batch is published after its answer
        let snapshot = try await nsqd.snapshot()
        #expect(snapshot.publishedCount(topic: "images") == 21)
        let commands = snapshot.clients.flatMap(\.commands)
        #expect(commands.filter { $0.hasPrefix("MPUB") }.count == 1)
        #expect(commands.filter { $0.hasPrefix("PUB") }.count == 1)
        let ids = try await harness.pool.query("SELECT id FROM images ORDER BY id").map { try $0.decode("id", as: Int64.self) }
        let published = snapshot.published["images"]!.map { ImageIDMessage.decode(Array($0.readableBytesView))! }
        #expect(Set(published) == Set(ids))
        #expect(try await harness.count("SELECT COUNT(*) FROM images WHERE queued_at IS NULL", reaches: 0) == 0)
    }

    @Test("NSQ down: the request still succeeds, the rows stay pending with queued_at NULL for the sweeper")
    func publishFails() async throws {
        let port = try SharedTestSupport.freeLoopbackPort()
        var configuration = NSQProducerConfiguration(nsqdTCPAddress: "127.0.0.1:\(port)")
        configuration.connectTimeout = .milliseconds(500)
        let producer = try NSQProducer(configuration: configuration)
        let harness = try await ReceiverHarness.make(publisher: try NSQImagePublisher(producer: producer))
        defer { Task { await harness.close(); producer.shutdown() } }
        try await harness.app().test(.router) { client in
            let response = try await client.execute(uri: "/image/post", method: .post, headers: jsonHeaders, body: jsonBody("{\"path\":\"lost.jpg\"}"))
            #expect(response.status == .accepted)
        }
        #expect(try await harness.count("SELECT COUNT(*) FROM images WHERE status = 0 AND queued_at IS NULL", reaches: 1) == 1)
    }
}

import SharedTestSupport
