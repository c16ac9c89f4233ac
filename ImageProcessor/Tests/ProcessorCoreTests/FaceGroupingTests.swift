import Foundation
import MySQL
import PeopleLibrary
import SharedTestSupport
import Testing

@testable import ProcessorCore

/// Grouping unknown faces after processing (issue #16), against a real MariaDB and real gRPC.
@Suite("Grouping unknown faces in the processor")
struct FaceGroupingTests {
    /// Three unknown faces per photo, 50x70 px boxes; faces 0 and 1 have distinct descriptors, face 2 none.
    static let script = FaceScript { _ in .faces([(person: nil, distance: 0.8), (person: nil, distance: 0.9), (person: nil, distance: 0.7)]) }

    static func grouper(minFaceSize: Int) -> @Sendable (MySQLPool) -> any FaceGrouping {
        { MySQLUnknownFaceGrouper(pool: $0, settings: FaceGroupingSettings(minFaceSize: minFaceSize)) }
    }

    @Test("unknown faces of each processed image join groups; the same faces again join the same groups")
    func groupsAfterProcessing() async throws {
        let server = try await TestGRPCServer.faces(Self.script)
        let harness = try await ProcessorHarness.make(grpcPort: server.port, grouping: Self.grouper(minFaceSize: 50))
        defer { Task { await harness.close(); await server.stop() } }
        let ids = try await harness.insertImages(["g1.jpg", "g2.jpg"])
        for id in ids { #expect(await harness.processor.handle(delivery(id)) == .finished) }
        #expect(try await harness.int("SELECT COUNT(*) FROM face_groups") == 2)
        #expect(try await harness.int("SELECT COUNT(*) FROM faces WHERE group_id IS NOT NULL") == 4)
        #expect(try await harness.int("SELECT COUNT(*) FROM faces WHERE face_index = 2 AND group_id IS NULL") == 2)  // no descriptor
        for index in 0...1 {
            #expect(try await harness.int("SELECT COUNT(DISTINCT group_id) FROM faces WHERE face_index = ?", [.int(Int64(index))]) == 1)
        }
    }

    @Test("faces below --group-min-face-size are bystanders: processed, not grouped")
    func bystandersNotGrouped() async throws {
        let server = try await TestGRPCServer.faces(Self.script)
        let harness = try await ProcessorHarness.make(grpcPort: server.port, grouping: Self.grouper(minFaceSize: 60))
        defer { Task { await harness.close(); await server.stop() } }
        let id = try await harness.insertImages(["small.jpg"])[0]
        #expect(await harness.processor.handle(delivery(id)) == .finished)
        #expect(try await harness.int("SELECT status FROM images WHERE id = ?", [.int(id)]) == 1)
        #expect(try await harness.int("SELECT COUNT(*) FROM faces WHERE image_id = ?", [.int(id)]) == 3)
        #expect(try await harness.int("SELECT COUNT(*) FROM face_groups") == 0)
    }

    @Test("a grouping failure never fails or retries the image; the sweeper's backfill groups the faces later")
    func failureThenBackfill() async throws {
        let server = try await TestGRPCServer.faces(Self.script)
        // The grouper's own database connection is gone: every grouping call fails.
        let broken = try await TestDatabase.shared.makeFreshDatabase(label: "brokengrp")
        await broken.shutdown()
        let harness = try await ProcessorHarness.make(
            grpcPort: server.port, grouping: { _ in MySQLUnknownFaceGrouper(pool: broken, settings: FaceGroupingSettings(minFaceSize: 50)) })
        defer { Task { await harness.close(); await server.stop() } }
        let id = try await harness.insertImages(["later.jpg"])[0]
        #expect(await harness.processor.handle(delivery(id)) == .finished)
        let row = try await harness.row(id)
        #expect(try row.decode("status", as: Int.self) == 1)
        #expect(try row.decode("attempts", as: Int.self) == 1)
        #expect(try await harness.int("SELECT COUNT(*) FROM faces WHERE group_id IS NOT NULL") == 0)

        // The backfill, with a working grouper: bounded steps until the pass ends.
        let sweeper = Sweeper(
            pool: harness.pool, publisher: nil, settings: Sweeper.Settings(groupBackfillBatch: 2),
            grouping: MySQLUnknownFaceGrouper(pool: harness.pool, settings: FaceGroupingSettings(minFaceSize: 50)))
        let first = try #require(await sweeper.backfillGroups())
        #expect(first == BackfillStep(scanned: 2, grouped: 2, passFinished: false))
        let second = try #require(await sweeper.backfillGroups())
        #expect(second == BackfillStep(scanned: 1, grouped: 0, passFinished: true))  // face 2: no descriptor
        #expect(try await harness.int("SELECT COUNT(*) FROM faces WHERE group_id IS NOT NULL") == 2)
        // A broken backfill is reported as nothing done, not thrown.
        let brokenSweeper = Sweeper(
            pool: harness.pool, publisher: nil, settings: Sweeper.Settings(),
            grouping: MySQLUnknownFaceGrouper(pool: broken))
        #expect(await brokenSweeper.backfillGroups() == nil)
    }
}
