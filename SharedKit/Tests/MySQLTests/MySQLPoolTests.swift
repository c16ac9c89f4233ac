import Foundation
import Logging
import MySQL
import SharedTestSupport
import Testing

@Suite("MySQL pool against a real MariaDB")
struct MySQLPoolTests {
    @Test("200 concurrent queries through a pool of 8 all succeed, never more than 8 connections")
    func concurrentQueries() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(migrated: false, poolSize: 8, label: "pool")
        let results = try await withThrowingTaskGroup(of: (Int, Int64?).self) { group in
            for i in 0..<200 {
                group.addTask {
                    // SLEEP keeps connections busy so the pool really has to queue callers.
                    let rows = try await pool.query("SELECT ? + 0 AS n, SLEEP(0.005) AS s", [.int(Int64(i))])
                    return (i, rows.first?["n"]?.int)
                }
            }
            var collected: [(Int, Int64?)] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == 200)
        for (i, n) in results { #expect(n == Int64(i)) }
        #expect(pool.openConnections <= 8)
        let sessions = try await pool.query(
            "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE()")
        #expect((sessions.first?["n"]?.int ?? 99) <= 8)
        await pool.shutdown()
    }

    @Test("SQL injection text is stored and read back verbatim")
    func injectionIsData() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "inject")
        let evil = "x'); DROP TABLE images; --"
        let inserted = try await pool.execute("INSERT INTO images (path, status) VALUES (?, 0)", [.string(evil)])
        let rows = try await pool.query("SELECT path FROM images WHERE id = ?", [.int(Int64(inserted.lastInsertID))])
        #expect(try rows.first?.decode("path", as: String.self) == evil)
        let tables = try await pool.query("SHOW TABLES LIKE 'images'")
        #expect(tables.count == 1)
        await pool.shutdown()
    }

    @Test("unicode and 255-byte paths round-trip", arguments: [
        "photos/été/über.jpg",
        "人物/写真/顔.png",
        "emoji/😀🎉/face.jpg",
        String(repeating: "a", count: 251) + ".jpg",
        String(repeating: "é", count: 125) + "x.jpg",  // 250 + 5 bytes = 255 bytes
    ])
    func pathsRoundTrip(path: String) async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "paths")
        let inserted = try await pool.execute("INSERT INTO images (path, status) VALUES (?, 0)", [.string(path)])
        let rows = try await pool.query("SELECT path FROM images WHERE id = ?", [.int(Int64(inserted.lastInsertID))])
        let back = try rows.first?.decode("path", as: String.self)
        #expect(back == path)
        #expect(back?.utf8.count == path.utf8.count)
        await pool.shutdown()
    }

    @Test("values of every kind round-trip: ints, doubles, NULL, blobs, long text, dates")
    func valueKinds() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(migrated: false, label: "kinds")
        try await pool.withConnection {
            try await $0.run(
                "CREATE TABLE kinds (id BIGINT PRIMARY KEY, u BIGINT UNSIGNED, d DOUBLE, t LONGTEXT, b BLOB, ts DATETIME(6), n INT NULL)")
        }
        let blob = (0..<512).map { UInt8($0 % 256) }
        let text = String(repeating: "long text ", count: 20_000)  // 200 KB: larger than any initial buffer
        let date = Date(timeIntervalSince1970: 1_700_000_000.123456)
        try await pool.execute(
            "INSERT INTO kinds VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.int(-42), .uint(UInt64.max), .double(0.25), .string(text), .bytes(blob), .date(date), .null])
        let row = try #require(try await pool.query("SELECT * FROM kinds").first)
        #expect(try row.decode("id", as: Int64.self) == -42)
        #expect(row["u"] == .uint(UInt64.max))
        #expect(try row.decode("d", as: Double.self) == 0.25)
        #expect(try row.decode("t", as: String.self) == text)
        #expect(try row.decode("b", as: [UInt8].self) == blob)
        let back = try row.decode("ts", as: Date.self)
        #expect(abs(back.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_002)
        #expect(row["n"] == .null)
        #expect(try row.decode("n", as: Int?.self) == nil)
        await pool.shutdown()
    }

    struct ImageRow: Decodable, Equatable {
        var id: Int64
        var path: String
        var person: Int64?
        var status: Int
        var attempts: Int
        var lastError: String?
        var createdAt: Date
    }

    @Test("rows decode into Decodable structs, snake_case columns to camelCase properties")
    func typedDecoding() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "decode")
        try await pool.execute("INSERT INTO images (path, status, last_error) VALUES ('a.jpg', 2, 'boom')")
        let row = try #require(try await pool.query(
            "SELECT id, path, person, status, attempts, last_error, created_at FROM images").first)
        let image = try row.decode(ImageRow.self)
        #expect(image.path == "a.jpg")
        #expect(image.person == -1)  // the column's DEFAULT since migration 3: the sample's "no person"
        #expect(image.status == 2)
        #expect(image.lastError == "boom")
        #expect(abs(image.createdAt.timeIntervalSinceNow) < 120)
        #expect(throws: (any Error).self) { try row.decode("path", as: Int.self) }
        #expect(throws: MySQLError.self) { try row.decode("nope", as: Int.self) }
        await pool.shutdown()
    }

    @Test("errors carry the MySQL error number and message")
    func errorNumbers() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "errors")
        try await pool.execute("INSERT INTO images (path, status) VALUES ('dup.jpg', 0)")
        do {
            try await pool.execute("INSERT INTO images (path, status) VALUES ('dup.jpg', 0)")
            Issue.record("duplicate insert succeeded")
        } catch let error as MySQLError {
            #expect(error.number == 1062)
            #expect(error.isDuplicateKey)
            #expect(error.message.contains("Duplicate entry"))
        }
        do {
            _ = try await pool.query("SELEC 1")
            Issue.record("syntax error not reported")
        } catch let error as MySQLError {
            #expect(error.number == 1064)
            #expect(error.sqlState == "42000")
        }
        do {
            _ = try await pool.query("SELECT ? AS a", [])
            Issue.record("missing parameter not reported")
        } catch let error as MySQLError {
            #expect(error.kind == .usage)
        }
        // The connection that saw the errors is still usable.
        #expect(try await pool.query("SELECT 1 AS one").first?["one"]?.int == 1)
        await pool.shutdown()
    }

    @Test("transactions commit on return and roll back on throw")
    func transactions() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "tx")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await pool.transaction { tx in
                try await tx.execute("INSERT INTO images (path, status) VALUES ('rolled-back.jpg', 0)")
                throw Boom()
            }
        }
        let id = try await pool.transaction { tx in
            try await tx.execute("INSERT INTO images (path, status) VALUES ('committed.jpg', 0)").lastInsertID
        }
        let paths = try await pool.query("SELECT path FROM images").compactMap { $0["path"]?.string }
        #expect(paths == ["committed.jpg"])
        #expect(id > 0)
        await pool.shutdown()
    }

    @Test("checkout times out with a clear error when every connection stays busy")
    func checkoutTimeout() async throws {
        var configuration = try await TestDatabase.shared.adminConfiguration()
        configuration.poolSize = 1
        configuration.checkoutTimeout = .milliseconds(200)
        let pool = MySQLPool(configuration: configuration)
        try await pool.withConnection { held in
            _ = try await held.query("SELECT 1")
            do {
                _ = try await pool.query("SELECT 2")
                Issue.record("second checkout should have timed out")
            } catch let error as MySQLError {
                #expect(error.kind == .checkoutTimeout)
            }
        }
        #expect(try await pool.query("SELECT 3 AS x").first?["x"]?.int == 3)
        await pool.shutdown()
    }

    @Test("credentials never appear in descriptions or logs")
    func credentialsRedacted() async throws {
        let configuration = MySQLConfiguration(
            host: "db", port: 3306, database: "kube", username: "root", password: Secret("hunter2-secret"))
        #expect(!"\(configuration)".contains("hunter2"))
        #expect(!String(reflecting: configuration).contains("hunter2"))
        #expect(!"\(configuration.password)".contains("hunter2"))
        let recorder = LogRecorder()
        var logger = Logger(label: "test") { _ in recorder }
        logger.logLevel = .trace
        // Connecting to a closed port fails; the logged error and metadata must not contain the password.
        var unreachable = configuration
        unreachable.host = "127.0.0.1"
        unreachable.port = try freeLoopbackPort()
        let pool = MySQLPool(configuration: unreachable, logger: logger)
        await #expect(throws: MySQLError.self) { _ = try await pool.query("SELECT 1") }
        await pool.shutdown()
        #expect(!recorder.lines.isEmpty)
        #expect(!recorder.lines.joined().contains("hunter2"))
    }
}

/// Collects formatted log lines in memory.
final class LogRecorder: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    var lines: [String] { lock.withLock { stored } }
    func log(event: LogEvent) {
        let line = "\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })"
        lock.withLock { stored.append(line) }
    }
}
