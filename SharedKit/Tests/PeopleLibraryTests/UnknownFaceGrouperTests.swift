import Models
import MySQL
import PeopleLibrary
import SharedTestSupport
import Testing

@Suite("Grouping unknown faces against a real MariaDB")
struct UnknownFaceGrouperTests {
    @Test("look-alikes share a group, strangers get their own, bystanders and known faces stay out")
    func groupsByIdentity() async throws {
        let f = try await PeopleFixture.make("grp")
        var ids: [UInt64: [Int64]] = [:]  // identity -> faces
        for identity in UInt64(1)...3 {
            for photo in UInt64(0)..<4 {
                let image = try await f.image("p\(identity)_\(photo).jpg")
                ids[identity, default: []].append(
                    try await f.face(image: image, index: 0, SyntheticFaces.photo(of: SyntheticFaces.identity(identity), seed: identity * 100 + photo)))
            }
        }
        let crowd = try await f.image("crowd.jpg")
        let bystander = try await f.face(image: crowd, index: 0, SyntheticFaces.identity(9), size: 40)
        let known = try await f.face(image: crowd, index: 1, SyntheticFaces.identity(8), person: nil)
        try await f.pool.execute("insert into person (name) values ('Known')")
        try await f.pool.execute("UPDATE faces SET person_id = 1, distance = 0.3 WHERE id = ?", [.int(known)])

        let all = ids.values.flatMap { $0 } + [bystander, known]
        #expect(try await f.grouper.group(faceIDs: all) == 12)
        #expect(try await f.grouper.group(faceIDs: all) == 0)  // already grouped: nothing to do
        for identity in UInt64(1)...3 {
            let groups = try await f.pool.query(
                "SELECT DISTINCT group_id FROM faces WHERE id IN (\(SQLPlaceholders.list(4)))", ids[identity]!.map { .int($0) })
            #expect(groups.count == 1, "identity \(identity) split over \(groups.count) groups")
        }
        #expect(try await f.int("SELECT COUNT(*) FROM face_groups") == 3)
        #expect(try await f.int("SELECT SUM(face_count) FROM face_groups") == 12)
        #expect(try await f.faceRow(bystander)?["group_id"]?.isNull == true)
        #expect(try await f.faceRow(known)?["group_id"]?.isNull == true)
        // A centroid is the running mean of its faces.
        let group = try #require(try await f.int("SELECT group_id FROM faces WHERE id = ?", [.int(ids[1]![0])]))
        let stored = try #require(DescriptorMath.decode(try await f.pool.query("SELECT centroid FROM face_groups WHERE id = ?", [.int(group)]).first?["centroid"]?.bytes))
        var mean = [Float](repeating: 0, count: 128)
        for photo in UInt64(0)..<4 {
            let d = SyntheticFaces.photo(of: SyntheticFaces.identity(1), seed: 100 + photo)
            for i in 0..<128 { mean[i] += d[i] / 4 }
        }
        #expect(DescriptorMath.distance(stored, mean) < 1e-4)
        await f.pool.shutdown()
    }

    @Test("two replicas grouping the same person at once make one group, not two")
    func replicasShareGroups() async throws {
        let f = try await PeopleFixture.make("grprep")
        let other = MySQLUnknownFaceGrouper(pool: MySQLPool(configuration: f.pool.configuration))
        var first: [Int64] = []
        var second: [Int64] = []
        for photo in UInt64(0)..<10 {
            let image = try await f.image("r\(photo).jpg")
            let face = try await f.face(image: image, index: 0, SyntheticFaces.photo(of: SyntheticFaces.identity(5), seed: photo))
            if photo % 2 == 0 { first.append(face) } else { second.append(face) }
        }
        async let a = f.grouper.group(faceIDs: first)
        async let b = other.group(faceIDs: second)
        let grouped = try await a + b
        #expect(grouped == 10)
        #expect(try await f.int("SELECT COUNT(DISTINCT group_id) FROM faces") == 1)
        #expect(try await f.int("SELECT COUNT(*) FROM face_groups") == 1)
        await f.pool.shutdown()
    }

    @Test("a group deleted by another process is noticed: the next face starts a new group")
    func deletedGroupNoticed() async throws {
        let f = try await PeopleFixture.make("grpdel")
        let image = try await f.image("d.jpg")
        let a = try await f.face(image: image, index: 0, SyntheticFaces.photo(of: SyntheticFaces.identity(3), seed: 1))
        #expect(try await f.grouper.group(faceIDs: [a]) == 1)
        // As naming the group does elsewhere: the face leaves, the group row goes.
        try await f.pool.execute("UPDATE faces SET group_id = NULL, person_id = NULL WHERE id = ?", [.int(a)])
        try await f.pool.execute("DELETE FROM face_groups")
        let b = try await f.face(image: image, index: 1, SyntheticFaces.photo(of: SyntheticFaces.identity(3), seed: 2))
        #expect(try await f.grouper.group(faceIDs: [b]) == 1)
        #expect(try await f.int("SELECT COUNT(*) FROM face_groups") == 1)
        #expect(try await f.faceRow(b)?["group_id"]?.int == (try await f.int("SELECT id FROM face_groups")))
        await f.pool.shutdown()
    }

    @Test("the backfill groups old ungrouped faces in bounded steps and passes over bystanders")
    func backfill() async throws {
        let f = try await PeopleFixture.make("grpbf")
        for photo in UInt64(0)..<7 {
            let image = try await f.image("b\(photo).jpg")
            try await f.face(image: image, index: 0, SyntheticFaces.photo(of: SyntheticFaces.identity(photo % 2), seed: photo))
            try await f.face(image: image, index: 1, SyntheticFaces.identity(50 + photo), size: 30)
        }
        var steps: [BackfillStep] = []
        repeat {
            steps.append(try await f.grouper.backfill(batchSize: 4))
        } while steps.last?.passFinished == false
        #expect(steps.count == 4)  // 14 ungrouped faces, 4 at a time
        #expect(steps.allSatisfy { $0.scanned <= 4 })
        #expect(steps.map(\.grouped).reduce(0, +) == 7)
        #expect(try await f.int("SELECT COUNT(*) FROM face_groups") == 2)
        // A new pass finds nothing left to group.
        #expect(try await f.grouper.backfill(batchSize: 100) == BackfillStep(scanned: 7, grouped: 0, passFinished: true))
        await f.pool.shutdown()
    }

    @Test("while another replica holds the grouping lock past the timeout, grouping fails cleanly and leaves the face ungrouped")
    func lockTimeout() async throws {
        let f = try await PeopleFixture.make("grplock")
        let grouper = MySQLUnknownFaceGrouper(pool: f.pool, settings: FaceGroupingSettings(lockTimeoutSeconds: 1))
        let image = try await f.image("l.jpg")
        let face = try await f.face(image: image, index: 0, SyntheticFaces.identity(4))
        let holder = MySQLPool(configuration: f.pool.configuration)
        try await holder.withConnection { held in
            let lock = "face-groups:" + f.pool.configuration.database
            #expect(try await held.query("SELECT GET_LOCK(?, 0) AS got", [.string(lock)]).first?["got"]?.int == 1)
            await #expect(throws: GroupingError.lockTimeout(seconds: 1)) { try await grouper.group(faceIDs: [face]) }
            _ = try await held.query("SELECT RELEASE_LOCK(?) AS r", [.string(lock)])
        }
        #expect(try await f.faceRow(face)?["group_id"]?.isNull == true)
        #expect(try await grouper.group(faceIDs: [face]) == 1)  // the lock is free again
        await holder.shutdown()
        await f.pool.shutdown()
    }
}
