import FaceEngine
import FaceGallery
import Foundation
import Logging
import Models
import MySQL
import SharedTestSupport
import Testing

@Suite("GalleryStore (MariaDB + dlib)")
struct GalleryStoreTests {
    /// A database with Obama (obama.jpg) and Biden (biden.jpg) as known people, the sample's way: files in
    /// a known-people folder named by `person_images.image_name`.
    static func seededGallery() async throws -> (MySQLPool, String) {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "gallery")
        let directory = try Fixtures.temporaryDirectory()
        for (person, file) in [("Barack Obama", "obama.jpg"), ("Joe Biden", "biden.jpg")] {
            try Fixtures.copyPhoto(file, to: directory)
            let personID = try await pool.execute("INSERT INTO person (name) VALUES (?)", [.string(person)]).lastInsertID
            _ = try await pool.execute(
                "INSERT INTO person_images (image_name, person_id) VALUES (?, ?)", [.string(file), .uint(personID)])
        }
        return (pool, directory)
    }

    static func store(_ pool: MySQLPool, _ directory: String) async throws -> GalleryStore {
        GalleryStore(
            pool: pool, analyzer: try await Fixtures.engine(), index: GalleryIndex(),
            configuration: GalleryStoreConfiguration(knownPeopleDirectory: directory))
    }

    static func galleryFaceIDs(_ pool: MySQLPool) async throws -> [Int64] {
        try await pool.query("SELECT id FROM faces WHERE person_image_id IS NOT NULL ORDER BY id").compactMap { $0["id"]?.int }
    }

    @Test func computesDescriptorsOnceAndReusesThemOnTheNextStart() async throws {
        let (pool, directory) = try await Self.seededGallery()
        defer { Task { await pool.shutdown() } }

        let first = try await Self.store(pool, directory)
        let report = try await first.sync()
        #expect(report.descriptorsComputed == 2)
        #expect(report.galleryFaces == 2)
        #expect(await first.descriptorsComputed == 2)
        let storedIDs = try await Self.galleryFaceIDs(pool)
        #expect(storedIDs.count == 2)
        let descriptor = try await pool.query("SELECT descriptor, person_id FROM faces LIMIT 1")
        #expect(descriptor.first?["descriptor"]?.bytes?.count == 512)
        #expect(descriptor.first?["person_id"]?.int != nil)

        // Nothing changed: a second sync and a second "process" compute nothing.
        #expect(try await first.sync().descriptorsComputed == 0)
        let second = try await Self.store(pool, directory)
        let secondReport = try await second.sync()
        #expect(secondReport.descriptorsComputed == 0)
        #expect(await second.descriptorsComputed == 0)
        #expect(secondReport.galleryFaces == 2)
        #expect(try await Self.galleryFaceIDs(pool) == storedIDs)
        #expect(Set(second.index.snapshot().entries.map(\.faceID)) == Set(storedIDs))

        // The restarted store recognises people from the stored descriptors.
        let probe = try await Fixtures.engine().analyze(imageAt: Fixtures.photos + "/obama2.jpg")
        let match = second.index.search(probe.faces[0].descriptor).match
        #expect(match?.entry.personName == "Barack Obama")
        #expect(match?.entry.imageName == "obama.jpg")
    }

    @Test func recomputesOnlyAPhotoWhoseFileChanged() async throws {
        let (pool, directory) = try await Self.seededGallery()
        defer { Task { await pool.shutdown() } }
        let store = try await Self.store(pool, directory)
        try await store.sync()
        let before = try await Self.galleryFaceIDs(pool)

        // biden.jpg now holds another photo (of Obama), written later than its stored face.
        let path = directory + "/biden.jpg"
        try FileManager.default.removeItem(atPath: path)
        try Fixtures.copyPhoto("obama2.jpg", to: directory, as: "biden.jpg")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: path)

        let report = try await store.sync()
        #expect(report.descriptorsComputed == 1)
        #expect(report.facesAdded == 1 && report.facesRemoved == 1)
        let after = try await Self.galleryFaceIDs(pool)
        #expect(after.count == 2)
        #expect(after.first == before.first)  // obama.jpg's row untouched
        #expect(after.last != before.last)
        #expect(try await store.sync().descriptorsComputed == 0)
    }

    @Test func newRowsAreComputedAndPhotosWithoutFacesAreNotRetried() async throws {
        let (pool, directory) = try await Self.seededGallery()
        defer { Task { await pool.shutdown() } }
        let store = try await Self.store(pool, directory)
        try await store.sync()

        try Fixtures.copyPhoto("mask_white.jpg", to: directory)
        try Fixtures.copyPhoto("obama3.jpg", to: directory)
        let personID = try await pool.query("SELECT id FROM person WHERE name = 'Barack Obama'").first?["id"]?.int ?? 0
        for file in ["mask_white.jpg", "obama3.jpg", "missing.jpg", "../escape.jpg"] {
            _ = try await pool.execute(
                "INSERT INTO person_images (image_name, person_id) VALUES (?, ?)", [.string(file), .int(personID)])
        }
        let report = try await store.sync()
        #expect(report.descriptorsComputed == 1)  // obama3.jpg
        #expect(report.unusableImages == 3)  // no face, missing file, not a plain name
        #expect(report.galleryFaces == 3)
        let again = try await store.sync()
        #expect(again.descriptorsComputed == 0)
        #expect(again.unusableImages == 3)
        #expect(await store.descriptorsComputed == 3)
    }

    @Test func enrollMakesTheKnownPeopleFolderOnAFreshVolume() async throws {
        let (pool, directory) = try await Self.seededGallery()
        defer { Task { await pool.shutdown() } }
        let missing = directory + "/not-there-yet/known_people"
        let store = GalleryStore(
            pool: pool, analyzer: try await Fixtures.engine(), index: GalleryIndex(),
            configuration: GalleryStoreConfiguration(knownPeopleDirectory: missing))
        let photo = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.photos + "/obama2.jpg")))
        let enrollment = try await store.enroll(personName: "Barack Obama", photo: photo)
        #expect(enrollment.facesEnrolled == 1)
        #expect(FileManager.default.fileExists(atPath: missing + "/" + enrollment.imageName))
    }

    @Test func enrollListAndRemove() async throws {
        let (pool, directory) = try await Self.seededGallery()
        defer { Task { await pool.shutdown() } }
        let store = try await Self.store(pool, directory)
        try await store.sync()

        let photo = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.photos + "/obama2.jpg")))
        let enrollment = try await store.enroll(personName: "  Barack Obama ", photo: photo)
        #expect(!enrollment.personCreated)
        #expect(enrollment.facesEnrolled == 1)
        #expect(FileManager.default.fileExists(atPath: directory + "/" + enrollment.imageName))
        #expect(store.index.count == 3)

        let hanks = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.photos + "/t1.jpg")))
        let group = try await store.enroll(personName: "Group Photo", photo: hanks)
        #expect(group.personCreated)
        #expect(group.facesDetected == 6)
        #expect(group.facesEnrolled == 1)  // only the largest face

        await #expect(throws: GalleryStoreError.noFace) {
            try await store.enroll(
                personName: "Nobody",
                photo: try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.photos + "/mask_white.jpg"))))
        }
        await #expect(throws: GalleryStoreError.self) { try await store.enroll(personName: "X", photo: Array("text".utf8)) }
        await #expect(throws: GalleryStoreError.invalidPersonName("the name is empty")) {
            try await store.enroll(personName: "   ", photo: photo)
        }
        #expect(try await pool.query("SELECT id FROM person WHERE name IN ('Nobody', 'X')").isEmpty)

        let people = try await store.listPeople()
        #expect(people.map(\.name) == ["Barack Obama", "Group Photo", "Joe Biden"])
        #expect(people.first?.imageNames.count == 2)
        #expect(people.first?.galleryFaces == 2)

        let obamaID = try #require(try await pool.query("SELECT id FROM person WHERE name = 'Barack Obama'").first?["id"]?.int)
        let seen = try await pool.execute("INSERT INTO images (path, person, status) VALUES ('seen-obama.jpg', ?, 1)", [.int(obamaID)])
        let removed = try await store.removePerson(.name("Barack Obama"))
        #expect(removed.imagesRemoved == 2 && removed.facesRemoved == 2)
        // The photo recognised as him shows nobody (-1), not a dangling id the sample's frontend cannot name.
        #expect(try await pool.query("SELECT person FROM images WHERE id = ?", [.int(Int64(seen.lastInsertID))]).first?["person"]?.int == -1)
        #expect(store.index.count == 2)
        #expect(store.index.snapshot().entries.allSatisfy { $0.personID != removed.id })
        await #expect(throws: GalleryStoreError.personNotFound(.id(removed.id))) {
            try await store.removePerson(.id(removed.id))
        }
        // A new store over the same rows agrees.
        let restarted = try await Self.store(pool, directory)
        #expect(try await restarted.sync().galleryFaces == 2)
    }

    /// People management (issue #16) names a probe face: a `person_images` row pointing at it
    /// (`source_face_id`, image_name `<probe path>#face<index>`) and a gallery `faces` row holding a copy
    /// of its descriptor. No file exists for it: the sync loads the stored descriptor, computes nothing,
    /// counts nothing unusable, and keeps loading it after the probe image is gone.
    @Test func entriesNamedFromProbeFacesLoadWithoutFiles() async throws {
        let (pool, directory) = try await Self.seededGallery()
        defer { Task { await pool.shutdown() } }
        let store = try await Self.store(pool, directory)
        try await store.sync()

        let probe = try await Fixtures.engine().analyze(imageAt: Fixtures.photos + "/t1.jpg").faces[0]
        let bytes = probe.descriptor.littleEndianBytes
        let image = try await pool.execute("INSERT INTO images (path, person, status) VALUES ('trip/t1.jpg', -1, 1)").lastInsertID
        let probeFace = try await pool.execute(
            """
            INSERT INTO faces (image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor)
            VALUES (?, 0, 1, 2, 90, 91, ?)
            """, [.uint(image), .bytes(bytes)]).lastInsertID
        let person = try await pool.execute("INSERT INTO person (name) VALUES ('Named Stranger')").lastInsertID
        let entry = try await pool.execute(
            "INSERT INTO person_images (image_name, person_id, source_face_id) VALUES ('trip/t1.jpg#face0', ?, ?)",
            [.uint(person), .uint(probeFace)]).lastInsertID
        try await pool.execute(
            """
            INSERT INTO faces (person_image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, person_id)
            VALUES (?, 0, 1, 2, 90, 91, ?, ?)
            """, [.uint(entry), .bytes(bytes), .uint(person)])

        let report = try await store.sync()
        #expect(report.descriptorsComputed == 0)
        #expect(report.unusableImages == 0)
        #expect(report.facesAdded == 1)
        let match = store.index.search(probe.descriptor).match
        #expect(match?.entry.personName == "Named Stranger")
        #expect(match?.entry.imageName == "trip/t1.jpg#face0")  // what a v1 answer carries

        // The probe photo deleted: the entry has its own descriptor and stays.
        try await pool.execute("DELETE FROM images WHERE id = ?", [.uint(image)])
        let after = try await store.sync()
        #expect(after.unusableImages == 0 && after.facesRemoved == 0)
        #expect(store.index.search(probe.descriptor).match?.entry.personName == "Named Stranger")
    }
}
