import Foundation
import Logging
import Models
import MySQL

/// Groups unknown probe faces incrementally: each face joins the group with the nearest centroid when
/// that centroid is within `joinDistance`, else starts a new group; a joined group's centroid becomes the
/// running mean of its faces. No pass over all faces: a face costs one distance per group, in memory.
///
/// Several processor replicas group at once, so the find-or-create runs under a server-wide named lock
/// (`GET_LOCK`, per database), and each process keeps every centroid in a cache it refreshes at the
/// start of each locked section from the rows changed since its last look (`face_groups.updated_at`,
/// with a few seconds of margin for transactions that committed late), and reloads in full every
/// 10 minutes. A join into a group deleted elsewhere (a named group) fails the foreign key: the group
/// leaves the cache and the face starts a new group instead. Writes are guarded (`person_id IS NULL AND group_id IS NULL`), so a face
/// named meanwhile is left alone.
public actor MySQLUnknownFaceGrouper: UnknownFaceGrouping {
    public nonisolated let settings: FaceGroupingSettings
    private let pool: MySQLPool
    private let logger: Logger
    private var cache = CentroidCache()
    /// Set when a locked section failed half-way: its cache changes may not match the rows.
    private var cacheSuspect = false
    /// Where the backfill continues (`faces.id`); 0 starts a new pass.
    private var backfillCursor: Int64 = 0
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Seconds of `updated_at` re-read on each refresh (transactions that committed after a later one).
    static let refreshMargin: Double = 5
    /// A full reload at least this often, whatever the counts say.
    static let fullReloadEvery: TimeInterval = 600

    public init(pool: MySQLPool, settings: FaceGroupingSettings = FaceGroupingSettings(), logger: Logger = Logger(label: "face-grouper")) {
        self.pool = pool
        self.settings = settings
        self.logger = logger
    }

    nonisolated var lockName: String { "face-groups:\(pool.configuration.database)" }

    // MARK: - Grouping

    public func group(faceIDs: [Int64]) async throws -> Int {
        let ids = Array(Set(faceIDs)).sorted()
        guard !ids.isEmpty else { return 0 }
        let candidates = try await eligibleFaces(ids)
        guard !candidates.isEmpty else { return 0 }
        await enter()
        defer { leave() }
        return try await withGroupingLock { @Sendable connection in
            try await self.refreshCache(connection)
            return try await self.assign(candidates, on: connection)
        }
    }

    /// The unknown faces of one image (the processor calls this after recording the image).
    public func group(imageID: Int64) async throws -> Int {
        let rows = try await pool.query(
            "SELECT id FROM faces WHERE image_id = ? AND person_id IS NULL AND group_id IS NULL", [.int(imageID)])
        return try await group(faceIDs: rows.map { try $0.decode("id", as: Int64.self) })
    }

    /// One bounded step of the backfill: looks at up to `batchSize` ungrouped unknown faces after the
    /// cursor (index `faces_group_person`, a range scan) and groups the eligible ones. Faces that stay
    /// ungrouped (too small, no descriptor) are passed over; the next pass starts from the beginning
    /// again, so faces that became unknown later (a deleted person) are found too.
    public func backfill(batchSize: Int) async throws -> BackfillStep {
        let rows = try await pool.query(
            """
            SELECT id, image_id, box_left, box_top, box_right, box_bottom FROM faces
            WHERE group_id IS NULL AND person_id IS NULL AND id > ? ORDER BY id LIMIT ?
            """, [.int(backfillCursor), .int(Int64(max(1, batchSize)))])
        var eligible: [Int64] = []
        var last = backfillCursor
        for row in rows {
            let id = try row.decode("id", as: Int64.self)
            last = max(last, id)
            guard row["image_id"]?.int != nil, settings.isLargeEnough(try Self.box(row)) else { continue }
            eligible.append(id)
        }
        let passFinished = rows.count < max(1, batchSize)
        backfillCursor = passFinished ? 0 : last
        let grouped = eligible.isEmpty ? 0 : try await group(faceIDs: eligible)
        return BackfillStep(scanned: rows.count, grouped: grouped, passFinished: passFinished)
    }

    /// Groups whose centroid lies within `radius` of any descriptor (the library's rematch candidates).
    public func groups(near descriptors: [[Float]], within radius: Float) async throws -> [Int64] {
        guard !descriptors.isEmpty else { return [] }
        await enter()
        defer { leave() }
        try await pool.withConnection { @Sendable connection in try await self.refreshCache(connection) }
        return cache.groups(near: descriptors, within: radius)
    }

    /// Number of groups in the cache after a refresh (tests, benchmarks).
    public func cachedGroupCount() async throws -> Int {
        await enter()
        defer { leave() }
        try await pool.withConnection { @Sendable connection in try await self.refreshCache(connection) }
        return cache.count
    }

    // MARK: - Steps

    struct Candidate {
        var id: Int64
        var imageID: Int64
        var descriptor: [Float]
    }

    private func eligibleFaces(_ ids: [Int64]) async throws -> [Candidate] {
        var candidates: [Candidate] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = Array(ids[start..<min(start + 500, ids.count)])
            let rows = try await pool.query(
                """
                SELECT id, image_id, box_left, box_top, box_right, box_bottom, descriptor FROM faces
                WHERE id IN (\(SQLPlaceholders.list(batch.count))) AND image_id IS NOT NULL
                    AND person_id IS NULL AND group_id IS NULL
                ORDER BY id
                """, batch.map { .int($0) })
            for row in rows {
                let id = try row.decode("id", as: Int64.self)
                guard settings.isLargeEnough(try Self.box(row)) else { continue }
                guard let descriptor = DescriptorMath.decode(row["descriptor"]?.bytes) else {
                    logger.debug("face has no usable descriptor; not grouped", metadata: ["face_id": "\(id)"])
                    continue
                }
                candidates.append(Candidate(id: id, imageID: try row.decode("image_id"), descriptor: descriptor))
            }
        }
        return candidates
    }

    /// Joins or creates a group for each candidate, in one transaction on the lock's connection. The cache
    /// is changed as it goes; a failed transaction marks it suspect, which reloads it.
    private func assign(_ candidates: [Candidate], on connection: MySQLConnectionHandle) async throws -> Int {
        var attempt = 0
        while true {
            do {
                try await connection.run("START TRANSACTION")
                cacheSuspect = true
                var grouped = 0
                for candidate in candidates {
                    if try await assign(candidate, on: connection) { grouped += 1 }
                }
                try await connection.run("COMMIT")
                cacheSuspect = false
                return grouped
            } catch {
                try? await connection.run("ROLLBACK")
                if let error = error as? MySQLError, error.isRetryableConflict, attempt < 3 {
                    attempt += 1
                    try await refreshCache(connection)
                    continue
                }
                throw error
            }
        }
    }

    /// One face: the nearest group within `joinDistance`, else a new group. The face row first, then
    /// its group: the library locks in the same order. False when the face was named meanwhile.
    private func assign(_ candidate: Candidate, on connection: MySQLConnectionHandle) async throws -> Bool {
        if let near = cache.nearest(to: candidate.descriptor), near.distance <= settings.joinDistance,
            let current = cache.centroid(of: near.id)
        {
            let face: MySQLExecuteResult
            do {
                face = try await connection.execute(
                    "UPDATE faces SET group_id = ? WHERE id = ? AND person_id IS NULL AND group_id IS NULL",
                    [.int(near.id), .int(candidate.id)])
            } catch let error as MySQLError where error.number == 1452 {
                // Foreign key: the group was deleted (named) since the refresh; start a new one instead.
                cache.remove(id: near.id)
                return try await startGroup(candidate, on: connection)
            }
            guard face.affectedRows == 1 else { return false }
            let centroid = DescriptorMath.runningMean(current.centroid, count: current.count, adding: candidate.descriptor)
            try await connection.execute(
                "UPDATE face_groups SET centroid = ?, face_count = face_count + 1 WHERE id = ?",
                [.bytes(DescriptorMath.encode(centroid)), .int(near.id)])
            cache.upsert(id: near.id, centroid: centroid, count: current.count + 1)
            logger.debug(
                "face joined group",
                metadata: [
                    "face_id": "\(candidate.id)", "image_id": "\(candidate.imageID)", "group_id": "\(near.id)",
                    "distance": "\(near.distance)",
                ])
            return true
        }
        return try await startGroup(candidate, on: connection)
    }

    private func startGroup(_ candidate: Candidate, on connection: MySQLConnectionHandle) async throws -> Bool {
        let created = try await connection.execute(
            "INSERT INTO face_groups (centroid, face_count) VALUES (?, 1)", [.bytes(DescriptorMath.encode(candidate.descriptor))])
        let groupID = Int64(created.lastInsertID)
        let face = try await connection.execute(
            "UPDATE faces SET group_id = ? WHERE id = ? AND person_id IS NULL AND group_id IS NULL",
            [.int(groupID), .int(candidate.id)])
        guard face.affectedRows == 1 else {
            try await connection.execute("DELETE FROM face_groups WHERE id = ?", [.int(groupID)])
            return false
        }
        cache.upsert(id: groupID, centroid: candidate.descriptor, count: 1)
        logger.debug(
            "face started a group",
            metadata: ["face_id": "\(candidate.id)", "image_id": "\(candidate.imageID)", "group_id": "\(groupID)"])
        return true
    }

    /// Brings the cache up to date: rows changed since the last look (an index range on `updated_at`,
    /// never a table scan). Deleted groups are not looked for: a join into one fails its foreign key and
    /// drops it from the cache, and the periodic full reload clears the rest.
    private func refreshCache(_ connection: MySQLConnectionHandle) async throws {
        let stale = cacheSuspect || cache.loadedAt.map { Date().timeIntervalSince($0) > Self.fullReloadEvery } ?? true
        if stale {
            try await reloadCache(connection)
            return
        }
        if let since = cache.newestUpdate {
            try await loadGroups(
                connection, "SELECT id, centroid, face_count, updated_at FROM face_groups WHERE updated_at >= ?",
                [.date(since.addingTimeInterval(-Self.refreshMargin))])
        }
    }

    private func reloadCache(_ connection: MySQLConnectionHandle) async throws {
        cache.removeAll()
        let now = Date()
        try await loadGroups(connection, "SELECT id, centroid, face_count, updated_at FROM face_groups", [])
        cache.loadedAt = now
        cacheSuspect = false
    }

    private func loadGroups(_ connection: MySQLConnectionHandle, _ sql: String, _ parameters: [MySQLValue]) async throws {
        for row in try await connection.query(sql, parameters) {
            let id = try row.decode("id", as: Int64.self)
            if let updated = row["updated_at"]?.date, updated > (cache.newestUpdate ?? .distantPast) {
                cache.newestUpdate = updated
            }
            guard let centroid = DescriptorMath.decode(row["centroid"]?.bytes) else {
                logger.warning("group has an invalid centroid; ignored", metadata: ["group_id": "\(id)"])
                continue
            }
            cache.upsert(id: id, centroid: centroid, count: Int(row["face_count"]?.int ?? 0))
        }
    }

    /// Runs `body` holding the server-wide grouping lock on one connection.
    private nonisolated func withGroupingLock<T: Sendable>(
        _ body: @escaping @Sendable (MySQLConnectionHandle) async throws -> T
    ) async throws -> T {
        let lockName = self.lockName
        let timeout = settings.lockTimeoutSeconds
        return try await pool.withConnection { connection in
            let got = try await connection.query("SELECT GET_LOCK(?, ?) AS got", [.string(lockName), .int(Int64(timeout))])
            guard got.first?["got"]?.int == 1 else {
                throw GroupingError.lockTimeout(seconds: timeout)
            }
            do {
                let result = try await body(connection)
                _ = try await connection.query("SELECT RELEASE_LOCK(?) AS released", [.string(lockName)])
                return result
            } catch {
                _ = try? await connection.query("SELECT RELEASE_LOCK(?) AS released", [.string(lockName)])
                throw error
            }
        }
    }

    // MARK: - One at a time within the process (the server lock serialises processes)

    private func enter() async {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
    }

    private func leave() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()  // handed over: `busy` stays true
        }
    }

    static func box(_ row: MySQLRow) throws -> FaceBox {
        FaceBox(
            left: try row.decode("box_left"), top: try row.decode("box_top"), right: try row.decode("box_right"),
            bottom: try row.decode("box_bottom"))
    }
}

/// What one backfill step did.
public struct BackfillStep: Sendable, Equatable {
    /// Ungrouped unknown faces looked at.
    public var scanned: Int
    public var grouped: Int
    /// The scan reached the last face; the next step starts a new pass.
    public var passFinished: Bool

    public init(scanned: Int, grouped: Int, passFinished: Bool) {
        self.scanned = scanned
        self.grouped = grouped
        self.passFinished = passFinished
    }
}

/// Why grouping did not run (the faces stay ungrouped; the backfill tries again).
public enum GroupingError: Error, Sendable, Equatable, CustomStringConvertible {
    case lockTimeout(seconds: Int)

    public var description: String {
        switch self {
        case .lockTimeout(let seconds): "the grouping lock was busy for \(seconds) s"
        }
    }
}
