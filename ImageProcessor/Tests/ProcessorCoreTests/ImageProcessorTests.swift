import Foundation
import GRPCCore
import ImageQueue
import MySQL
import SharedTestSupport
import Models
import Testing

@testable import ProcessorCore

/// The processor against a real gRPC FaceRecognition v2 server (scripted) and a real MariaDB.
@Suite("ImageProcessor")
struct ImageProcessorTests {
    static let standard = FaceScript(delay: .milliseconds(50)) { path in
        if path.contains("obama") { return .faces([(person: 2, distance: 0.55), (person: 1, distance: 0.41), (person: nil, distance: 0.8)]) }
        if path.contains("group") { return .faces(Array(repeating: (person: nil, distance: 0.7), count: 6)) }
        if path.contains("corrupt") { return .error(.invalidArgument, "not a JPEG or PNG image") }
        return .faces([])
    }

    @Test("a duplicate delivery never processes an image twice")
    func claimIdempotency() async throws {
        let script = FaceScript(delay: .milliseconds(300)) { _ in .faces([(person: nil, distance: 0.9)]) }
        let server = try await TestGRPCServer.faces(script)
        let harness = try await ProcessorHarness.make(grpcPort: server.port)
        defer { Task { await harness.close(); await server.stop() } }
        let id = try await harness.insertImages(["dup.jpg"])[0]
        async let first = harness.processor.handle(delivery(id))
        async let second = harness.processor.handle(delivery(id))
        let outcomes = await [first, second]
        #expect(outcomes == [.finished, .finished])
        #expect(script.calls(for: "dup.jpg") == 1)
        #expect(try await harness.int("SELECT status FROM images WHERE id = ?", [.int(id)]) == 1)
        #expect(try await harness.int("SELECT COUNT(*) FROM faces WHERE image_id = ?", [.int(id)]) == 1)
        // Delivered again after it was processed: nothing happens.
        #expect(await harness.processor.handle(delivery(id)) == .finished)
        #expect(script.calls(for: "dup.jpg") == 1)
        #expect(try await harness.int("SELECT attempts FROM images WHERE id = ?", [.int(id)]) == 1)
    }

    @Test("faces are written once, the best known person is set, a re-run replaces instead of adding")
    func facesAndPerson() async throws {
        let server = try await TestGRPCServer.faces(Self.standard)
        let harness = try await ProcessorHarness.make(grpcPort: server.port)
        defer { Task { await harness.close(); await server.stop() } }
        try await harness.insertPeople(2)
        let id = try await harness.insertImages(["people/obama2.jpg"])[0]
        #expect(await harness.processor.handle(delivery(id)) == .finished)
        let row = try await harness.row(id)
        #expect(try row.decode("status", as: Int.self) == 1)
        #expect(try row.decode("person", as: Int64?.self) == 1)  // the closest known face
        #expect(try row.decode("lease_owner", as: String?.self) == nil)
        let faces = try await harness.pool.query(
            "SELECT face_index, person_id, distance, box_left, box_right FROM faces WHERE image_id = ? ORDER BY face_index", [.int(id)])
        #expect(faces.count == 3)
        #expect(try faces.map { try $0.decode("person_id", as: Int64?.self) } == [2, 1, nil])
        #expect(try faces[1].decode("distance", as: Double.self) == 0.41)
        #expect(try faces[2].decode("distance", as: Double?.self) == 0.8)
        #expect(try faces[1].decode("box_right", as: Int.self) == 60)
        // Descriptors are stored as the gallery stores its own; a malformed one is stored empty.
        let blobs = try await harness.pool.query(
            "SELECT descriptor FROM faces WHERE image_id = ? ORDER BY face_index", [.int(id)]
        ).map { try $0.decode("descriptor", as: [UInt8].self) }
        #expect(FaceDescriptor(littleEndianBytes: blobs[1])?.values == (0..<128).map { 1 + Float($0) / 128 })
        #expect(blobs[0].count == 512)
        #expect(blobs[2].isEmpty)

        // Reprocessing (e.g. an operator resets the row): still one set of face rows.
        try await harness.pool.execute("UPDATE images SET status = 0 WHERE id = ?", [.int(id)])
        #expect(await harness.processor.handle(delivery(id)) == .finished)
        #expect(try await harness.int("SELECT COUNT(*) FROM faces WHERE image_id = ?", [.int(id)]) == 3)
    }

    @Test("no face, or only unknown faces: processed, not failed, no person")
    func noKnownFaces() async throws {
        let server = try await TestGRPCServer.faces(Self.standard)
        let harness = try await ProcessorHarness.make(grpcPort: server.port)
        defer { Task { await harness.close(); await server.stop() } }
        let ids = try await harness.insertImages(["mask.jpg", "group/t1.jpg"])
        for id in ids { #expect(await harness.processor.handle(delivery(id)) == .finished) }
        for id in ids {
            let row = try await harness.row(id)
            #expect(try row.decode("status", as: Int.self) == 1)
            #expect(try row.decode("person", as: Int64.self) == -1)  // the sample's "no person", never NULL
        }
        #expect(try await harness.int("SELECT COUNT(*) FROM faces WHERE image_id = ?", [.int(ids[0])]) == 0)
        #expect(try await harness.int("SELECT COUNT(*) FROM faces WHERE image_id = ? AND person_id IS NULL", [.int(ids[1])]) == 6)
    }

    @Test("INVALID_ARGUMENT is retried with backoff, then failed for good with a readable error")
    func invalidArgumentFails() async throws {
        let server = try await TestGRPCServer.faces(Self.standard)
        let harness = try await ProcessorHarness.make(grpcPort: server.port, maxAttempts: 3)
        defer { Task { await harness.close(); await server.stop() } }
        let ids = try await harness.insertImages(["corrupt.jpg", "fine.jpg"])
        let (consumer, task) = harness.startConsumer()
        try await harness.waitUntil("corrupt image failed") {
            try await harness.int("SELECT status FROM images WHERE id = ?", [.int(ids[0])]) == 2
        }
        consumer.beginShutdown()
        try await task.value
        let row = try await harness.row(ids[0])
        #expect(try row.decode("attempts", as: Int.self) == 3)
        let error = try row.decode("last_error", as: String.self)
        #expect(error.contains("failed after 3 attempts"))
        #expect(error.contains("not a JPEG or PNG image"))
        #expect(Self.standard.calls(for: "corrupt.jpg") >= 3)
        #expect(try await harness.int("SELECT status FROM images WHERE id = ?", [.int(ids[1])]) == 1)
        // The breaker stayed closed: the server was answering.
        #expect(harness.breaker.state == .closed)
    }

    @Test("FaceRecognition down: the breaker opens, nothing fails for good; back up: everything is processed")
    func serverDown() async throws {
        let script = FaceScript { _ in .faces([(person: nil, distance: 0.9)]) }
        let port = try freeLoopbackPort()
        let harness = try await ProcessorHarness.make(grpcPort: port, maxAttempts: 2, breakerFailures: 2, coolDown: .milliseconds(200))
        defer { Task { await harness.close() } }
        let ids = try await harness.insertImages((0..<8).map { "down/\($0).jpg" })
        let (consumer, task) = harness.startConsumer()
        try await harness.waitUntil("breaker opens") { harness.breaker.state != .closed }
        try await Task.sleep(for: .seconds(2))
        #expect(try await harness.int("SELECT COUNT(*) FROM images WHERE status = 2") == 0)
        #expect(try await harness.int("SELECT MAX(attempts) FROM images") <= 1)
        #expect(harness.breaker.state != .closed)

        let server = try await TestGRPCServer.faces(script, port: port)
        defer { Task { await server.stop() } }
        try await harness.waitUntil(timeout: .seconds(40), "all processed after the server returned") {
            try await harness.int("SELECT COUNT(*) FROM images WHERE status = 1") == ids.count
        }
        consumer.beginShutdown()
        try await task.value
        #expect(harness.breaker.state == .closed)
        #expect(try await harness.int("SELECT COUNT(*) FROM faces") == ids.count)
        #expect(try await harness.int("SELECT COUNT(*) FROM images WHERE last_error IS NOT NULL AND status = 2") == 0)
    }

    @Test("a processor killed mid-run and a new one started: every image processed exactly once")
    func killAndRestart() async throws {
        let script = FaceScript(delay: .milliseconds(150)) { _ in .faces([(person: nil, distance: 0.9), (person: nil, distance: 0.8)]) }
        let server = try await TestGRPCServer.faces(script)
        let first = try await ProcessorHarness.make(grpcPort: server.port, maxAttempts: 5, lease: .seconds(1), owner: "worker-a")
        defer { Task { await server.stop() } }
        let ids = try await first.insertImages((0..<24).map { "kill/\($0).jpg" })
        let (_, task) = first.startConsumer(maxInFlight: 4)
        try await first.waitUntil("some processed") {
            try await first.int("SELECT COUNT(*) FROM images WHERE status = 1") >= 4
        }
        task.cancel()  // the crash: in-flight work is abandoned wherever it is
        _ = try? await task.value
        await first.close(keepPool: true)

        // The new worker's own lease is longer, so a slow machine never makes it re-claim its own work.
        let second = try await ProcessorHarness.make(pool: first.pool, grpcPort: server.port, maxAttempts: 5, lease: .seconds(5), owner: "worker-b")
        defer { Task { await second.close() } }
        let (consumer, secondTask) = second.startConsumer(maxInFlight: 4)
        try await second.waitUntil(timeout: .seconds(60), "all processed by the new worker") {
            try await second.int("SELECT COUNT(*) FROM images WHERE status = 1") == ids.count
        }
        consumer.beginShutdown()
        try await secondTask.value
        #expect(try await second.int("SELECT COUNT(*) FROM faces") == ids.count * 2)
        let perImage = try await second.pool.query("SELECT image_id, COUNT(*) AS n FROM faces GROUP BY image_id")
        #expect(perImage.count == ids.count)
        #expect(try perImage.allSatisfy { try $0.decode("n", as: Int.self) == 2 })
        #expect(try await second.int("SELECT COUNT(*) FROM images WHERE status = 2") == 0)
    }

    @Test("the sample's v1 contract: image name -> person through person_images")
    func v1Contract() async throws {
        let server = try await TestGRPCServer.start(services: [ScriptedV1 { $0.contains("obama") ? "obama.jpg" : "" }, ReadyV1()])
        let harness = try await ProcessorHarness.make(grpcPort: server.port, v1: true)
        defer { Task { await harness.close(); await server.stop() } }
        try await harness.insertPeople(1)
        try await harness.pool.execute("INSERT INTO person_images (image_name, person_id) VALUES ('obama.jpg', 1)")
        let ids = try await harness.insertImages(["obama3.jpg", "nobody.jpg"])
        for id in ids { #expect(await harness.processor.handle(delivery(id)) == .finished) }
        #expect(try await harness.row(ids[0]).decode("person", as: Int64?.self) == 1)
        #expect(try await harness.row(ids[1]).decode("person", as: Int64.self) == -1)
        #expect(try await harness.int("SELECT COUNT(*) FROM images WHERE status = 1") == 2)
    }

    @Test("rows the sample's receiver inserted keep person -1; the sample's processor and frontend read every row we write")
    func sampleReadsOurRows() async throws {
        let server = try await TestGRPCServer.start(services: [ScriptedV1 { $0.contains("obama") ? "obama.jpg" : "not_found" }, ReadyV1()])
        let harness = try await ProcessorHarness.make(grpcPort: server.port, v1: true)
        defer { Task { await harness.close(); await server.stop() } }
        try await harness.insertPeople(1)
        try await harness.pool.execute("INSERT INTO person_images (image_name, person_id) VALUES ('obama.jpg', 1)")
        let sample = SampleClient(pool: harness.pool)
        var ids: [Int64] = []
        for path in ["sample/obama1.jpg", "sample/nobody.jpg"] { ids.append(try #require(try await sample.receive(path))) }
        ids += try await harness.insertImages(["ours/obama2.jpg", "ours/nobody.jpg"])
        for id in ids { #expect(await harness.processor.handle(delivery(id)) == .finished) }
        // Scans into non-null ints, as the sample's Go code does: a NULL anywhere throws here.
        let page = try await sample.frontendPage()
        #expect(page.map(\.person) == [1, -1, 1, -1])
        #expect(page.map(\.status) == [1, 1, 1, 1])
        #expect(page.map(\.name) == ["Person 1", nil, "Person 1", nil])
        for id in ids {
            let row = try #require(try await sample.load(id))
            #expect(row.status == 1)
        }
    }

    @Test("an image the sample's processor marked processing and died with is taken over once older than the lease")
    func takesOverStaleSampleMark() async throws {
        let server = try await TestGRPCServer.start(services: [ScriptedV1 { _ in "not_found" }, ReadyV1()])
        let harness = try await ProcessorHarness.make(grpcPort: server.port, lease: .seconds(30), v1: true)
        defer { Task { await harness.close(); await server.stop() } }
        let sample = SampleClient(pool: harness.pool)
        let fresh = try #require(try await sample.receive("sample/fresh.jpg"))
        let stale = try #require(try await sample.receive("sample/stale.jpg"))
        // The sample's own statement: status 3, no lease. One mark is recent (it may still be working).
        for id in [fresh, stale] { try await harness.pool.execute(SampleContract.processorSetStatus.sql, [.int(3), .int(id)]) }
        try await harness.pool.execute("UPDATE images SET updated_at = NOW(6) - INTERVAL 31 SECOND WHERE id = ?", [.int(stale)])
        #expect(await harness.processor.handle(delivery(fresh)) == .finished)
        #expect(await harness.processor.handle(delivery(stale)) == .finished)
        #expect(try await sample.load(fresh)?.status == 3)   // left to the sample
        let taken = try #require(try await sample.load(stale))
        #expect(taken.status == 1 && taken.person == -1)
    }

    @Test("the database restarts mid-run: the processor recovers by itself")
    func databaseRestart() async throws {
        let database = try await MariaDBServer.start()
        defer { database.destroy() }
        let admin = MySQLPool(configuration: database.configuration(poolSize: 1))
        try await admin.withConnection { try await $0.run("CREATE DATABASE restart_test") }
        await admin.shutdown()
        var configuration = database.configuration(database: "restart_test", poolSize: 12)
        configuration.connectTimeoutSeconds = 2
        configuration.checkoutTimeout = .seconds(3)
        let pool = MySQLPool(configuration: configuration)
        _ = try await Migrator(pool: pool).migrate()

        let script = FaceScript(delay: .milliseconds(100)) { _ in .faces([(person: nil, distance: 0.9)]) }
        let server = try await TestGRPCServer.faces(script)
        let harness = try await ProcessorHarness.make(pool: pool, grpcPort: server.port, lease: .seconds(2))
        defer { Task { await harness.close(); await server.stop() } }
        let ids = try await harness.insertImages((0..<30).map { "restart/\($0).jpg" })
        let (consumer, task) = harness.startConsumer(maxInFlight: 2)
        try await harness.waitUntil("some processed") {
            try await harness.int("SELECT COUNT(*) FROM images WHERE status = 1") >= 3
        }
        database.kill()
        try await Task.sleep(for: .seconds(1))
        try await database.launch()
        try await harness.waitUntil(timeout: .seconds(90), "all processed after the restart") {
            try await harness.int("SELECT COUNT(*) FROM images WHERE status = 1") == ids.count
        }
        consumer.beginShutdown()
        try await task.value
        #expect(try await harness.int("SELECT COUNT(*) FROM faces") == ids.count)
        #expect(try await harness.int("SELECT COUNT(*) FROM images WHERE status = 2") == 0)
    }
}

import Migrations
