import Migrations
import Models
import MySQL
import PeopleLibrary
import SharedTestSupport
import Testing

@Suite("People library against a real MariaDB")
struct PeopleLibraryTests {
    /// Faces of identity 1 in three photos (grouped), a bystander-sized one (not grouped), and a stranger.
    struct Scene {
        var named: Int64, namedImage: Int64
        var grouped: Int64, groupedImage: Int64
        var small: Int64, smallImage: Int64
        var stranger: Int64, strangerImage: Int64
    }

    func scene(_ f: PeopleFixture) async throws -> Scene {
        let alice = SyntheticFaces.identity(1)
        let a = try await f.image("trip/a.jpg")
        let b = try await f.image("trip/b.jpg")
        let c = try await f.image("trip/c.jpg")
        let d = try await f.image("trip/d.jpg")
        let scene = Scene(
            named: try await f.face(image: a, index: 0, SyntheticFaces.photo(of: alice, seed: 1), descriptorVersion: 2), namedImage: a,
            grouped: try await f.face(image: b, index: 0, SyntheticFaces.photo(of: alice, seed: 2)), groupedImage: b,
            small: try await f.face(image: c, index: 2, SyntheticFaces.photo(of: alice, seed: 3), size: 30), smallImage: c,
            stranger: try await f.face(image: d, index: 0, SyntheticFaces.photo(of: SyntheticFaces.identity(2), seed: 4)),
            strangerImage: d)
        _ = try await f.grouper.backfill(batchSize: 100)
        return scene
    }

    @Test("naming a face: a gallery entry with its descriptor, a v1-readable name, and every match updated")
    func nameFace() async throws {
        let f = try await PeopleFixture.make("pname")
        let s = try await scene(f)
        #expect(try await f.int("SELECT COUNT(*) FROM face_groups") == 2)

        let outcome = try await f.library.nameFace(faceID: s.named, as: .named("  Alice  "))
        #expect(outcome.personName == "Alice")
        #expect(outcome.personCreated)
        #expect(outcome.facesNamed == 1)
        #expect(outcome.facesRematched == 2)  // the grouped one and the bystander-sized one
        #expect(Set(outcome.imagesUpdated) == [s.namedImage, s.groupedImage, s.smallImage])
        for image in [s.namedImage, s.groupedImage, s.smallImage] { #expect(try await f.imagePerson(image) == outcome.personID) }
        #expect(try await f.imagePerson(s.strangerImage) == -1)
        #expect(try await f.faceRow(s.stranger)?["person_id"]?.isNull == true)
        #expect(try await f.faceRow(s.named)?["distance"]?.double == 0)
        let rematchDistance = try #require(try await f.faceRow(s.grouped)?["distance"]?.double)
        #expect(rematchDistance > 0 && rematchDistance < 0.6)

        // The gallery entry: person_images row pointing at the probe face, faces row with the copied descriptor.
        let entry = try #require(try await f.pool.query("SELECT id, image_name, person_id FROM person_images WHERE source_face_id = ?", [.int(s.named)]).first)
        #expect(entry["image_name"]?.string == "trip/a.jpg#face0")
        #expect(entry["person_id"]?.int == outcome.personID)
        let copied = try await f.pool.query(
            """
            SELECT g.descriptor = p.descriptor AS same, g.descriptor_version <=> p.descriptor_version AS same_version
            FROM faces g, faces p WHERE g.person_image_id = ? AND p.id = ?
            """,
            [entry["id"]!, .int(s.named)])
        #expect(copied.count == 1)
        #expect(copied.first?["same"]?.int == 1)
        #expect(copied.first?["same_version"]?.int == 1)  // the copy keeps which pipeline computed it
        // The sample processor's lookup of FaceRecognition's v1 answer finds the person.
        let v1 = try await f.pool.query(SampleContract.processorPersonOfKnownImage.sql, [.string("trip/a.jpg#face0")])
        #expect(v1.first?["id"]?.int == outcome.personID)
        // Alice's group emptied and is gone; the stranger's stays.
        #expect(try await f.int("SELECT COUNT(*) FROM face_groups") == 1)
        #expect(try await f.int("SELECT COUNT(*) FROM faces WHERE group_id IS NOT NULL") == 1)

        // Naming the stranger as "alice" (another case) is the same person; no new row.
        let again = try await f.library.nameFace(faceID: s.stranger, as: .named("alice"))
        #expect(again.personID == outcome.personID)
        #expect(!again.personCreated)
        #expect(try await f.int("SELECT COUNT(*) FROM person") == 1)
        await f.pool.shutdown()
    }

    @Test("naming a face already named to someone else moves it (and its gallery entry)")
    func renameMovesFace() async throws {
        let f = try await PeopleFixture.make("pmove")
        let s = try await scene(f)
        let alice = try await f.library.nameFace(faceID: s.stranger, as: .named("Alice"))
        let bob = try await f.library.nameFace(faceID: s.stranger, as: .named("Bob"))
        #expect(bob.personCreated && bob.facesNamed == 1)
        #expect(try await f.int("SELECT COUNT(*) FROM person_images WHERE source_face_id = ?", [.int(s.stranger)]) == 1)
        #expect(try await f.int("SELECT person_id FROM person_images WHERE source_face_id = ?", [.int(s.stranger)]) == bob.personID)
        #expect(try await f.int("SELECT COUNT(*) FROM faces WHERE person_id = ?", [.int(alice.personID)]) == 0)
        #expect(try await f.imagePerson(s.strangerImage) == bob.personID)
        #expect(bob.imagesUpdated == [s.strangerImage])
        await f.pool.shutdown()
    }

    @Test("naming a group names all its faces, adds the largest to the gallery and deletes the group")
    func nameGroup() async throws {
        let f = try await PeopleFixture.make("pgroup")
        let s = try await scene(f)
        let group = try #require(try await f.int("SELECT group_id FROM faces WHERE id = ?", [.int(s.named)]))
        let listed = try await f.library.unnamedGroups(limit: 10, offset: 0, samplesPerGroup: 5)
        #expect(listed.total == 2)
        #expect(listed.groups.first?.id == group)
        #expect(listed.groups.first?.faceCount == 2)
        #expect(listed.groups.first?.samples.map(\.imagePath).sorted() == ["trip/a.jpg", "trip/b.jpg"])
        #expect(listed.groups.first?.samples.first?.box == FaceBox(left: 10, top: 20, right: 110, bottom: 120))

        let outcome = try await f.library.nameGroup(groupID: group, as: .named("Alice"))
        #expect(outcome.facesNamed == 2)
        #expect(outcome.facesRematched == 1)  // the small face
        #expect(Set(outcome.imagesUpdated) == [s.namedImage, s.groupedImage, s.smallImage])
        #expect(try await f.int("SELECT COUNT(*) FROM face_groups WHERE id = ?", [.int(group)]) == 0)
        #expect(try await f.library.group(id: group, samples: 3) == nil)
        #expect(try await f.int("SELECT COUNT(*) FROM person_images WHERE person_id = ?", [.int(outcome.personID)]) == 2)
        #expect(try await f.int("SELECT COUNT(*) FROM faces WHERE person_image_id IS NOT NULL") == 2)
        #expect(try await f.library.unnamedGroups(limit: 10, offset: 0, samplesPerGroup: 1).total == 1)
        await #expect(throws: PeopleLibraryError.notFound("no unnamed group with id \(group)")) {
            try await f.library.nameGroup(groupID: group, as: .named("Alice"))
        }
        await f.pool.shutdown()
    }

    @Test("names are validated; rename refuses a taken name; unknown ids are not found")
    func namesAndErrors() async throws {
        let f = try await PeopleFixture.make("pnames")
        let s = try await scene(f)
        for bad in ["", "   ", "a\u{7}b", String(repeating: "x", count: 256)] {
            await #expect(throws: PeopleLibraryError.self) { try await f.library.nameFace(faceID: s.named, as: .named(bad)) }
        }
        #expect(try await f.int("SELECT COUNT(*) FROM person") == 0)
        let alice = try await f.library.nameFace(faceID: s.named, as: .named(String(repeating: "é", count: 255)))
        let bob = try await f.library.nameFace(faceID: s.stranger, as: .named("Bob"))
        await #expect(throws: PeopleLibraryError.conflict("a person named BOB already exists")) {
            try await f.library.renamePerson(id: alice.personID, to: "BOB")
        }
        try await f.library.renamePerson(id: bob.personID, to: "BOB")  // its own name in another case
        try await f.library.renamePerson(id: alice.personID, to: " Alice ")
        #expect(try await f.pool.query("SELECT name FROM person ORDER BY id").map { $0["name"]?.string } == ["Alice", "BOB"])
        await #expect(throws: PeopleLibraryError.notFound("no person with id 999")) { try await f.library.renamePerson(id: 999, to: "X") }
        await #expect(throws: PeopleLibraryError.notFound("no face with id 999")) { try await f.library.nameFace(faceID: 999, as: .named("X")) }
        await #expect(throws: PeopleLibraryError.notFound("no person with id 999")) {
            try await f.library.nameFace(faceID: s.grouped, as: .existing(id: 999))
        }
        await #expect(throws: PeopleLibraryError.invalid("a person cannot be merged into themselves")) {
            try await f.library.mergePerson(id: alice.personID, into: alice.personID)
        }
        let gallery = try #require(try await f.int("SELECT id FROM faces WHERE person_image_id IS NOT NULL LIMIT 1"))
        await #expect(throws: PeopleLibraryError.self) { try await f.library.nameFace(faceID: gallery, as: .named("X")) }
        await #expect(throws: PeopleLibraryError.notFound("face \(s.stranger) is not one of this person's faces")) {
            try await f.library.removeFace(faceID: s.stranger, fromPerson: alice.personID)
        }
        await f.pool.shutdown()
    }

    @Test("merge moves gallery entries, matched faces and images to the target and deletes the source")
    func merge() async throws {
        let f = try await PeopleFixture.make("pmerge")
        let s = try await scene(f)
        let known = try await f.knownPerson("Barack", file: "obama_1.jpg", SyntheticFaces.identity(7))
        let alice = try await f.library.nameFace(faceID: s.named, as: .named("Alice"))
        let outcome = try await f.library.mergePerson(id: alice.personID, into: known.person)
        #expect(outcome.personID == known.person && outcome.personName == "Barack")
        #expect(outcome.facesNamed == 4)  // three probe faces and the gallery face naming made
        #expect(Set(outcome.imagesUpdated) == [s.namedImage, s.groupedImage, s.smallImage])
        #expect(try await f.int("SELECT COUNT(*) FROM person WHERE id = ?", [.int(alice.personID)]) == 0)
        #expect(try await f.int("SELECT COUNT(*) FROM person_images WHERE person_id = ?", [.int(known.person)]) == 2)
        #expect(try await f.int("SELECT COUNT(*) FROM faces WHERE person_id = ?", [.int(alice.personID)]) == 0)
        #expect(try await f.imagePerson(s.groupedImage) == known.person)
        // Every image row still scans the way the sample's frontend reads it.
        #expect(try await SampleClient(pool: f.pool).frontendPage().allSatisfy { $0.person == -1 || $0.name != nil })
        await f.pool.shutdown()
    }

    @Test("removing a face: gallery or probe, it becomes unknown, is grouped again, and the image loses the person")
    func removeFace() async throws {
        let f = try await PeopleFixture.make("premove")
        let s = try await scene(f)
        let alice = try await f.library.nameFace(faceID: s.named, as: .named("Alice"))
        // A probe face matched by rematching.
        try await f.library.removeFace(faceID: s.grouped, fromPerson: alice.personID)
        #expect(try await f.faceRow(s.grouped)?["person_id"]?.isNull == true)
        #expect(try await f.faceRow(s.grouped)?["group_id"]?.isNull == false)
        #expect(try await f.imagePerson(s.groupedImage) == -1)
        // The gallery face made by naming: its entry goes, its probe face is unknown again.
        let gallery = try #require(try await f.int("SELECT id FROM faces WHERE person_image_id IS NOT NULL"))
        try await f.library.removeFace(faceID: gallery, fromPerson: alice.personID)
        #expect(try await f.int("SELECT COUNT(*) FROM person_images") == 0)
        #expect(try await f.int("SELECT COUNT(*) FROM faces WHERE person_image_id IS NOT NULL") == 0)
        #expect(try await f.faceRow(s.named)?["person_id"]?.isNull == true)
        #expect(try await f.imagePerson(s.namedImage) == -1)
        // Both are look-alikes again: one group.
        #expect(try await f.faceRow(s.named)?["group_id"]?.int == (try await f.faceRow(s.grouped)?["group_id"]?.int))
        #expect(try await f.int("SELECT COUNT(*) FROM images WHERE person IS NULL") == 0)
        await f.pool.shutdown()
    }

    @Test("deleting a person: gallery gone, its faces unknown and regrouped, images -1 (never NULL)")
    func deletePerson() async throws {
        let f = try await PeopleFixture.make("pdelete")
        let s = try await scene(f)
        let alice = try await f.library.nameFace(faceID: s.named, as: .named("Alice"))
        // An image the sample's processor recorded as Alice, without face rows.
        let sampleImage = try await f.image("sample-processed.jpg", person: alice.personID)
        #expect(try await f.library.deletePerson(id: alice.personID) == 3)
        #expect(try await f.int("SELECT COUNT(*) FROM person") == 0)
        #expect(try await f.int("SELECT COUNT(*) FROM person_images") == 0)
        #expect(try await f.int("SELECT COUNT(*) FROM faces WHERE person_id IS NOT NULL OR person_image_id IS NOT NULL") == 0)
        #expect(try await f.pool.query("SELECT DISTINCT person FROM images").map { $0["person"]?.int } == [-1])
        #expect(try await f.imagePerson(sampleImage) == -1)
        // Regrouped at once (the small one stays ungrouped): Alice's two large faces together again.
        #expect(try await f.int("SELECT COUNT(*) FROM faces WHERE group_id IS NOT NULL") == 3)
        #expect(try await f.faceRow(s.named)?["group_id"]?.int == (try await f.faceRow(s.grouped)?["group_id"]?.int))
        await #expect(throws: PeopleLibraryError.notFound("no person with id \(alice.personID)")) {
            _ = try await f.library.deletePerson(id: alice.personID)
        }
        await f.pool.shutdown()
    }

    @Test("listing: groups by size with samples, paging, suggestions by prefix")
    func listing() async throws {
        let f = try await PeopleFixture.make("plist")
        for identity in UInt64(1)...3 {
            for photo in 0..<Int(identity) {
                let image = try await f.image("l\(identity)_\(photo).jpg")
                try await f.face(image: image, index: 0, SyntheticFaces.photo(of: SyntheticFaces.identity(identity), seed: UInt64(photo)), size: 80 + photo)
            }
        }
        _ = try await f.grouper.backfill(batchSize: 100)
        let page = try await f.library.unnamedGroups(limit: 2, offset: 0, samplesPerGroup: 2)
        #expect(page.total == 3)
        #expect(page.groups.map(\.faceCount) == [3, 2])
        #expect(page.groups.map { $0.samples.count } == [2, 2])
        #expect(page.groups[0].samples.map(\.imagePath) == ["l3_2.jpg", "l3_1.jpg"])  // largest first
        let rest = try await f.library.unnamedGroups(limit: 2, offset: 2, samplesPerGroup: 0)
        #expect(rest.groups.map(\.faceCount) == [1])
        #expect(rest.groups[0].samples.isEmpty)
        #expect(try await f.library.group(id: page.groups[0].id, samples: 1)?.samples.count == 1)
        await #expect(throws: PeopleLibraryError.self) { _ = try await f.library.unnamedGroups(limit: -1, offset: 0, samplesPerGroup: 1) }

        for name in ["Anna", "anne", "Bert", "An%dy", "Zed"] { try await f.pool.execute("INSERT INTO person (name) VALUES (?)", [.string(name)]) }
        #expect(try await f.library.suggestPeople(prefix: "an", limit: 10).map(\.name) == ["An%dy", "Anna", "anne"])
        #expect(try await f.library.suggestPeople(prefix: "An%", limit: 10).map(\.name) == ["An%dy"])
        #expect(try await f.library.suggestPeople(prefix: "", limit: 2).map(\.name) == ["An%dy", "Anna"])
        #expect(try await f.library.suggestPeople(prefix: "x", limit: 10).isEmpty)
        await f.pool.shutdown()
    }
}
