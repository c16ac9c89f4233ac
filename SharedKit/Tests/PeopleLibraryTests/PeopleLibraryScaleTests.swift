import Foundation
import MySQL
import PeopleLibrary
import SharedTestSupport
import Testing

/// Costs on a large synthetic table: PEOPLE_SCALE_FACES faces (default 20,000; the README's numbers are
/// from 100,000), one face per image, 5 photos per identity, a fifth of the faces bystander-sized
/// (ungrouped). Prints the timings; asserts the results and generous bounds.
@Suite("People library at scale")
struct PeopleLibraryScaleTests {
    @Test("grouping, naming with rematch and listing stay bounded on a large faces table")
    func scale() async throws {
        let total = ProcessInfo.processInfo.environment["PEOPLE_SCALE_FACES"].flatMap(Int.init) ?? 20_000
        let f = try await PeopleFixture.make("pscale")
        let identities = total / 5
        var rng = SplitMix64(seed: 42)
        // Uniform components (cheaper than gaussian in a debug build), same spread: identities ~1.0 apart,
        // photos ~0.35 apart.
        func vector(_ spread: Float, around base: [Float]? = nil) -> [Float] {
            let a = spread * Float(3).squareRoot()
            return (0..<128).map { (base?[$0] ?? 0) + rng.float(-a, a) }
        }
        let bases = (0..<identities).map { _ in vector(0.0625) }

        let setupStart = ContinuousClock.now
        // Groups as the grouper would have made them (centroid = the identity), in bulk.
        for start in stride(from: 0, to: identities, by: 1000) {
            let rows = start..<min(start + 1000, identities)
            try await f.pool.execute(
                "INSERT INTO face_groups (id, centroid, face_count) VALUES \(SQLPlaceholders.list(rows.count, each: "(?, ?, 4)"))",
                rows.flatMap { [MySQLValue.int(Int64($0 + 1)), .bytes(DescriptorMath.encode(bases[$0]))] })
        }
        // Faces: photo 0..3 of each identity grouped (100 px), photo 4 a bystander (30 px, ungrouped).
        var batch: [MySQLValue] = []
        var rowsInBatch = 0
        func flush() async throws {
            guard rowsInBatch > 0 else { return }
            try await f.pool.execute(
                """
                INSERT INTO faces (image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, group_id)
                VALUES \(SQLPlaceholders.list(rowsInBatch, each: "(?, 0, 0, 0, ?, ?, ?, ?)"))
                """, batch)
            batch = []
            rowsInBatch = 0
        }
        for start in stride(from: 0, to: total, by: 1000) {
            let count = min(1000, total - start)
            try await f.pool.execute(
                "INSERT INTO images (id, path, person, status) VALUES \(SQLPlaceholders.list(count, each: "(?, ?, -1, 1)"))",
                (start..<start + count).flatMap { [MySQLValue.int(Int64($0 + 1)), .string("scale/\($0).jpg")] })
        }
        for image in 0..<total {
            let identity = image / 5
            let photo = image % 5
            let size = photo == 4 ? 30 : 100
            batch += [
                .int(Int64(image + 1)), .int(Int64(size)), .int(Int64(size)),
                .bytes(DescriptorMath.encode(vector(0.0219, around: bases[min(identity, identities - 1)]))),
                photo == 4 ? .null : .int(Int64(min(identity, identities - 1) + 1)),
            ]
            rowsInBatch += 1
            if rowsInBatch == 1000 { try await flush() }
        }
        try await flush()
        // Groups are made over time, not in one burst: the cache refresh re-reads only recent changes.
        try await f.pool.execute("UPDATE face_groups SET created_at = NOW(6) - INTERVAL 1 HOUR, updated_at = NOW(6) - INTERVAL 1 HOUR")
        let setup = ContinuousClock.now - setupStart

        // 1. A grouper's first look: every centroid into memory.
        var clock = ContinuousClock.now
        #expect(try await f.grouper.cachedGroupCount() == identities)
        let coldLoad = ContinuousClock.now - clock

        // 2. New photos of known-looking faces: each joins its identity's group.
        var newFaces: [Int64] = []
        for i in 0..<100 {
            let image = try await f.image("scale/new\(i).jpg")
            newFaces.append(try await f.face(image: image, index: 0, vector(0.0219, around: bases[(i * 7 + 1) % identities])))  // never identity 0
        }
        // One call per face, as the processor calls it per image (lock, cache refresh, find-or-create).
        clock = ContinuousClock.now
        var grouped = 0
        for face in newFaces { grouped += try await f.grouper.group(faceIDs: [face]) }
        let grouping = (ContinuousClock.now - clock) / 100
        #expect(grouped == 100)
        #expect(try await f.int("SELECT COUNT(*) FROM face_groups") == Int64(identities))  // no new group

        // 3. Naming one face: its group's other faces and its identity's bystander face are rematched.
        clock = ContinuousClock.now
        let outcome = try await f.library.nameFace(faceID: 1, as: .named("Scale Person"))
        let naming = ContinuousClock.now - clock
        #expect(outcome.facesRematched == 4)  // photos 1-3 (grouped), photo 4 (bystander)
        #expect(outcome.imagesUpdated.count == 5)

        // What most of the naming time is: reading every ungrouped unknown face's descriptor (bystanders).
        clock = ContinuousClock.now
        var ungrouped = 0
        var cursor: Int64 = 0
        while true {
            let rows = try await f.pool.query(
                """
                SELECT id, image_id, group_id, descriptor FROM faces
                WHERE group_id IS NULL AND person_id IS NULL AND id > ? AND image_id IS NOT NULL ORDER BY id LIMIT 5000
                """, [.int(cursor)])
            ungrouped += rows.count
            guard rows.count == 5000, let last = rows.last?["id"]?.int else { break }
            cursor = last
        }
        let ungroupedRead = ContinuousClock.now - clock
        #expect(ungrouped >= total / 5 - 5)

        // 4. The Unnamed page.
        clock = ContinuousClock.now
        let page = try await f.library.unnamedGroups(limit: 50, offset: 0, samplesPerGroup: 4)
        let listing = ContinuousClock.now - clock
        #expect(page.total == identities - 1)
        #expect(page.groups.count == 50)

        print(
            """
            people-library scale: \(total) faces, \(identities) groups (setup \(setup))
              grouper cold cache load: \(coldLoad)
              grouping, per new face:  \(grouping)
              nameFace incl. rematch:  \(naming)
                (of which reading the \(ungrouped) ungrouped faces' descriptors alone: \(ungroupedRead))
              unnamedGroups(50, 4):    \(listing)
            """)
        #expect(naming < .seconds(30))
        #expect(listing < .seconds(10))
        await f.pool.shutdown()
    }
}
