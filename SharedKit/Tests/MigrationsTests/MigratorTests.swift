import Logging
import Migrations
import MySQL
import SharedTestSupport
import Testing

@Suite("Schema migrations against a real MariaDB")
struct MigratorTests {
    @Test("a fresh database gets every migration; a second run is a no-op")
    func twiceIsNoOp() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(migrated: false, label: "mig")
        let first = try await Migrator(pool: pool).migrate()
        #expect(first.applied == Schema.migrations.map(\.version))
        #expect(first.version == Schema.latestVersion)
        let second = try await Migrator(pool: pool).migrate()
        #expect(second.applied.isEmpty)
        #expect(second.version == Schema.latestVersion)
        let recorded = try await pool.query("SELECT version FROM schema_migrations ORDER BY version")
        #expect(recorded.compactMap { $0["version"]?.int } == Schema.migrations.map { Int64($0.version) })
        await pool.shutdown()
    }

    @Test("two concurrent migrate runs: one applies, the other waits and finds nothing to do")
    func concurrentRuns() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(migrated: false, label: "migcc")
        // Separate pools = separate sessions, exactly like two processes.
        let a = MySQLPool(configuration: pool.configuration)
        let b = MySQLPool(configuration: pool.configuration)
        let holder = MySQLPool(configuration: pool.configuration)
        let lockName = "schema_migrations:" + pool.configuration.database
        // Hold the lock so both runs must wait, making the overlap certain rather than a race.
        try await holder.withConnection { held in
            #expect(try await held.query("SELECT GET_LOCK(?, 0) AS got", [.string(lockName)]).first?["got"]?.int == 1)
            async let runA = Migrator(pool: a).migrate()
            async let runB = Migrator(pool: b).migrate()
            try await Task.sleep(for: .milliseconds(300))
            _ = try await held.query("SELECT RELEASE_LOCK(?) AS r", [.string(lockName)])
            let reports = try await [runA, runB]
            #expect(reports.allSatisfy { $0.waitedForLock })
            let applied = reports.map(\.applied).sorted { $0.count > $1.count }
            #expect(applied[0] == Schema.migrations.map(\.version))
            #expect(applied[1].isEmpty)
        }
        let count = try await pool.query("SELECT COUNT(*) AS n FROM schema_migrations").first?["n"]?.int
        #expect(count == Int64(Schema.migrations.count))
        for p in [a, b, holder, pool] { await p.shutdown() }
    }

    @Test("expand/contract: the previous schema version's queries run on the newest schema")
    func previousVersionQueriesStillWork() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "compat")
        #expect(Schema.migrations.count >= 2)
        // Every version's queries in order: the oldest first, as rows they create feed later ones.
        for migration in Schema.migrations {
            for query in migration.queries {
                do {
                    _ = try await pool.withConnection { try await $0.perform(query.sql, query.parameters) }
                } catch {
                    Issue.record("schema \(migration.version) query \"\(query.description)\" fails on schema \(Schema.latestVersion): \(error)")
                }
            }
        }
        // The sample's own insert left a readable, pending row with the new columns defaulted.
        let row = try #require(try await pool.query("SELECT status, attempts, created_at FROM images WHERE path = 'compat/sample.jpg'").first)
        #expect(row["attempts"]?.int == 0)
        #expect(row["created_at"]?.date != nil)
        await pool.shutdown()
    }

    @Test("an existing sample database is adopted: rows survive, NULL status becomes pending")
    func adoptsSampleDatabase() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(migrated: false, label: "adopt")
        _ = try await Migrator(pool: pool).migrate(to: 1)
        try await pool.execute("insert into images (path, person, status) values ('old.jpg', NULL, NULL)")
        try await pool.execute("insert into person (name) values ('Hannibal')")
        try await pool.execute("insert into person_images (image_name, person_id) values ('hannibal_1.jpg', 1)")
        let report = try await Migrator(pool: pool).migrate()
        #expect(report.applied == Array(2...Schema.latestVersion))
        let image = try #require(try await pool.query("SELECT path, status FROM images").first)
        #expect(image["path"]?.string == "old.jpg")
        #expect(image["status"]?.int == 0)
        #expect(try await pool.query("SELECT name FROM person").first?["name"]?.string == "Hannibal")
        await pool.shutdown()
    }

    @Test("the faces table refuses duplicate rows for one face of one image")
    func facesUnique() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "faces")
        let image = try await pool.execute("INSERT INTO images (path) VALUES ('f.jpg')").lastInsertID
        let insert = """
            INSERT INTO faces (image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor)
            VALUES (?, 0, 1, 2, 3, 4, ?)
            """
        try await pool.execute(insert, [.int(Int64(image)), .bytes([UInt8](repeating: 0, count: 512))])
        await #expect(throws: MySQLError.self) {
            try await pool.execute(insert, [.int(Int64(image)), .bytes([UInt8](repeating: 0, count: 512))])
        }
        await pool.shutdown()
    }
}
