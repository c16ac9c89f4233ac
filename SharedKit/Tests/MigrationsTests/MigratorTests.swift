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
            // Release only once both sessions are blocked in GET_LOCK: a fixed sleep was too short on a
            // loaded machine (a run still connecting found the lock free and did not wait).
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let waiting = try await held.query(
                    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE STATE = 'User lock' AND DB = ?",
                    [.string(pool.configuration.database)]
                ).first?["n"]?.int
                if waiting == 2 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
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
        // The sample's own insert left a readable row with the new columns defaulted.
        let row = try #require(try await pool.query("SELECT status, attempts, created_at FROM images WHERE path = 'compat/sample.jpg'").first)
        #expect(row["attempts"]?.int == 0)
        #expect(row["created_at"]?.date != nil)
        // Every row those statements wrote scans the way the sample's Go code scans it.
        let sample = SampleClient(pool: pool)
        for query in SampleContract.queries where !query.scans.isEmpty {
            do {
                _ = try await sample.scan(query)
            } catch {
                Issue.record("\(query.description) on rows written by every version's queries: \(error)")
            }
        }
        #expect(try await sample.frontendPage().allSatisfy { $0.person == -1 || $0.name != nil })
        await pool.shutdown()
    }

    @Test("the contract list is the sample's statements, verbatim")
    func sampleStatementsVerbatim() {
        // From ../shared/tools/kcs/README.md: a rewrite here would test something the sample never runs.
        #expect(SampleContract.queries.map(\.sql) == [
            "insert into person (name) values (?)",
            "insert into person_images (image_name, person_id) values (?, ?)",
            "select 1 from images where path = ?",
            "insert into images (path, person, status) values (?, ?, ?)",
            "select path, person, status from images where id = ?",
            "update images set status = ? where id = ?",
            "update images set status = ?, person = ? where id = ?",
            "select person.name, person.id from person inner join person_images as pi on person.id = pi.person_id where image_name = ?",
            "select id, path, person, status from images",
            "select name from person where id = ?",
        ])
        #expect(SampleContract.processorLoad.scans == [.string, .int, .int])
        #expect(SampleContract.frontendImages.scans == [.int, .string, .int, .int])
    }

    @Test("a NULL person stops the sample's frontend and processor (the reader really refuses NULL)")
    func nullPersonBreaksTheSample() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(migrated: false, label: "nullp")
        _ = try await Migrator(pool: pool).migrate(to: 2)
        let id = try await pool.execute("INSERT INTO images (path, status) VALUES ('v2.jpg', 0)").lastInsertID
        let sample = SampleClient(pool: pool)
        await #expect(throws: SampleClient.ScanError.self) { try await sample.frontendPage() }
        await #expect(throws: SampleClient.ScanError.self) { try await sample.load(Int64(id)) }
        await pool.shutdown()
    }

    @Test("migration 3: NULL persons become -1; schema 2's services keep working and their inserts get -1")
    func noPersonMigration() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(migrated: false, label: "nop")
        _ = try await Migrator(pool: pool).migrate(to: 2)
        try await pool.execute("insert into person (name) values ('Hannibal')")
        // Rows of schema 2's services: our old receiver (no person column), our old processor (person = NULL).
        try await pool.execute("INSERT INTO images (path, status) VALUES ('old-pending.jpg', 0)")
        try await pool.execute("INSERT INTO images (path, status) VALUES ('old-done.jpg', 0)")
        try await pool.execute("UPDATE images SET status = 1, person = NULL WHERE path = 'old-done.jpg'")
        try await pool.execute("INSERT INTO images (path, person, status) VALUES ('known.jpg', 1, 1)")
        let before = try await pool.query("SELECT updated_at FROM images WHERE path = 'old-done.jpg'")[0]["updated_at"]?.date
        #expect(try await Migrator(pool: pool).migrate().applied == Array(3...Schema.latestVersion))
        // Existing NULLs converted, real persons untouched, the conversion is not an update of the image.
        let people = try await pool.query("SELECT path, person FROM images ORDER BY id").map {
            "\(try $0.decode("path", as: String.self))=\(try $0.decode("person", as: Int64.self))"
        }
        #expect(people == ["old-pending.jpg=-1", "old-done.jpg=-1", "known.jpg=1"])
        #expect(try await pool.query("SELECT updated_at FROM images WHERE path = 'old-done.jpg'")[0]["updated_at"]?.date == before)
        // Schema 2's inserts (no person column) get -1 from the default, and its statements still run.
        try await pool.execute("INSERT INTO images (path, status) VALUES ('n-1-receiver.jpg', 0)")
        try await pool.execute("INSERT IGNORE INTO images (path, status, queued_at) VALUES ('n-1-batch.jpg', 0, NOW(6))")
        let id = try await pool.execute(
            "INSERT INTO images (path, status) VALUES ('known.jpg', 0) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)"
        ).lastInsertID
        #expect(id == 3)  // a re-posted path still gets its row's id (no trigger on images interferes)
        #expect(try await pool.query("SELECT COUNT(*) AS n FROM images WHERE person IS NULL")[0]["n"]?.int == 0)
        // The sample's frontend reads every row.
        let page = try await SampleClient(pool: pool).frontendPage()
        #expect(page.count == 5)
        #expect(page.compactMap(\.name) == ["Hannibal"])
        #expect(page.filter { $0.person == -1 }.count == 4)
        await pool.shutdown()
    }

    @Test("an existing sample database is adopted: rows survive, NULL status becomes pending, NULL person -1")
    func adoptsSampleDatabase() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(migrated: false, label: "adopt")
        _ = try await Migrator(pool: pool).migrate(to: 1)
        try await pool.execute("insert into images (path, person, status) values ('old.jpg', NULL, NULL)")
        try await pool.execute("insert into person (name) values ('Hannibal')")
        try await pool.execute("insert into person_images (image_name, person_id) values ('hannibal_1.jpg', 1)")
        let report = try await Migrator(pool: pool).migrate()
        #expect(report.applied == Array(2...Schema.latestVersion))
        let image = try #require(try await pool.query("SELECT path, status, person FROM images").first)
        #expect(image["path"]?.string == "old.jpg")
        #expect(image["status"]?.int == 0)
        #expect(image["person"]?.int == -1)
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

    @Test("migration 4: existing rows untouched, schema 3's and the sample's statements still work, a deleted group only ungroups its faces")
    func peopleManagementMigration() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(migrated: false, label: "people")
        _ = try await Migrator(pool: pool).migrate(to: 3)
        try await pool.execute("insert into person (name) values ('Hannibal')")
        try await pool.execute("insert into person_images (image_name, person_id) values ('hannibal_1.jpg', 1)")
        let image = try await pool.execute("INSERT INTO images (path, person, status) VALUES ('old.jpg', -1, 1)").lastInsertID
        let insertFace = """
            INSERT INTO faces (image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, person_id, distance)
            VALUES (?, ?, 1, 2, 3, 4, ?, NULL, NULL)
            """
        try await pool.execute(insertFace, [.int(Int64(image)), .int(0), .bytes([UInt8](repeating: 0, count: 512))])
        #expect(try await Migrator(pool: pool).migrate().applied == Array(4...Schema.latestVersion))

        // Old rows read as "not grouped" and "a known_people/ file".
        #expect(try await pool.query("SELECT group_id FROM faces").first?["group_id"]?.isNull == true)
        #expect(try await pool.query("SELECT source_face_id FROM person_images").first?["source_face_id"]?.isNull == true)
        // Schema 3's processor statement (no group_id) and the sample's seed and lookups run unchanged.
        try await pool.execute(insertFace, [.int(Int64(image)), .int(1), .bytes([UInt8](repeating: 0, count: 512))])
        let sample = SampleClient(pool: pool)
        _ = try await sample.scan(SampleContract.processorPersonOfKnownImage)
        #expect(try await sample.frontendPage().count == 1)

        // A group row deleted (named) leaves its faces ungrouped, never dangling.
        let group = try await pool.execute(
            "INSERT INTO face_groups (centroid, face_count) VALUES (?, 2)", [.bytes([UInt8](repeating: 0, count: 512))]).lastInsertID
        try await pool.execute("UPDATE faces SET group_id = ?", [.int(Int64(group))])
        await #expect(throws: MySQLError.self) { try await pool.execute("UPDATE faces SET group_id = 999") }  // no such group
        try await pool.execute("DELETE FROM face_groups WHERE id = ?", [.int(Int64(group))])
        #expect(try await pool.query("SELECT COUNT(*) AS n FROM faces WHERE group_id IS NULL").first?["n"]?.int == 2)
        await pool.shutdown()
    }
}
