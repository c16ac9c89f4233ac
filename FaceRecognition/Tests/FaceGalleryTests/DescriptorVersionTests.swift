import FaceEngine
import FaceGallery
import Foundation
import Logging
import MySQL
import SharedTestSupport
import Testing

/// Gallery faces carry the version of the pipeline that computed them (`faces.descriptor_version`, schema 5);
/// a service of another version recomputes them on sync, so a gallery never mixes versions.
@Suite("Gallery descriptor versions (MariaDB + dlib)")
struct DescriptorVersionTests {
    private static let mirrorEngine = Task { () throws -> FaceEngine in
        try await FaceEngine(
            configuration: FaceEngineConfiguration(workerCount: 1, averagesMirroredChip: true),
            logger: Logger(label: "test-engine-v2"))
    }

    private static func store(_ pool: MySQLPool, _ directory: String, _ analyzer: any FaceAnalyzing) -> GalleryStore {
        GalleryStore(
            pool: pool, analyzer: analyzer, index: GalleryIndex(),
            configuration: GalleryStoreConfiguration(knownPeopleDirectory: directory))
    }

    private static func versions(_ pool: MySQLPool) async throws -> [Int64?] {
        try await pool.query("SELECT descriptor_version FROM faces WHERE person_image_id IS NOT NULL ORDER BY person_image_id")
            .map { $0["descriptor_version"]?.int }
    }

    @Test func facesOfAnotherVersionAreRecomputedOnceAndLegacyRowsReadAsVersion1() async throws {
        let (pool, directory) = try await GalleryStoreTests.seededGallery()
        defer { Task { await pool.shutdown() } }
        let plain = try await Fixtures.engine()
        let mirror = try await Self.mirrorEngine.value
        #expect(plain.descriptorVersion == 1 && mirror.descriptorVersion == 2)

        // Version 1 writes its version; rows written before schema 5 (NULL) count as version 1.
        #expect(try await Self.store(pool, directory, plain).sync().descriptorsComputed == 2)
        #expect(try await Self.versions(pool) == [1, 1])
        _ = try await pool.execute("UPDATE faces SET descriptor_version = NULL WHERE person_image_id IS NOT NULL")
        #expect(try await Self.store(pool, directory, plain).sync().descriptorsComputed == 0)
        let plainDescriptors = try await pool.query("SELECT descriptor FROM faces ORDER BY person_image_id")

        // A version-2 service over the same database recomputes both photos, once.
        let upgraded = Self.store(pool, directory, mirror)
        let report = try await upgraded.sync()
        #expect(report.descriptorsComputed == 2)
        #expect(report.galleryFaces == 2)
        #expect(try await Self.versions(pool) == [2, 2])
        let mirrorDescriptors = try await pool.query("SELECT descriptor FROM faces ORDER BY person_image_id")
        #expect(mirrorDescriptors.map { $0["descriptor"]?.bytes } != plainDescriptors.map { $0["descriptor"]?.bytes })
        #expect(try await upgraded.sync().descriptorsComputed == 0)
        #expect(try await Self.store(pool, directory, mirror).sync().descriptorsComputed == 0)

        // Its probes are recognised against its own descriptors.
        let probe = try await mirror.analyze(imageAt: Fixtures.photos + "/obama2.jpg")
        #expect(upgraded.index.search(probe.faces[0].descriptor).match?.entry.personName == "Barack Obama")

        // Rolling back to version 1 recomputes them again.
        #expect(try await Self.store(pool, directory, plain).sync().descriptorsComputed == 2)
        #expect(try await Self.versions(pool) == [1, 1])
    }

    @Test func enrollmentStoresTheVersion() async throws {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "gallery-version")
        defer { Task { await pool.shutdown() } }
        let store = Self.store(pool, try Fixtures.temporaryDirectory(), try await Self.mirrorEngine.value)
        let photo = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.photos + "/biden.jpg")))
        _ = try await store.enroll(personName: "Joe Biden", photo: photo)
        #expect(try await Self.versions(pool) == [2])
    }
}
