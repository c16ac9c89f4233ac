import Foundation
import Models
import MySQL

/// `ImageStore` on the `images` table.
public struct MySQLImageStore: ImageStore {
    public let pool: MySQLPool

    public init(pool: MySQLPool) { self.pool = pool }

    public func store(_ paths: [String]) async throws -> [StoredPath] {
        if paths.count == 1 { return [try await storeOne(paths[0])] }
        return try await storeBatch(paths)
    }

    /// The hot path: one round trip (`person` -1: the sample's "no person", never NULL). With
    /// `id = LAST_INSERT_ID(id)` the insert id is the existing row's id on a duplicate. The affected-row
    /// count tells the cases apart: 1 new row, 2 a failed row reset to pending, 0 an existing row left alone.
    private func storeOne(_ path: String) async throws -> StoredPath {
        let sql =
            "INSERT INTO images (path, person, status, queued_at) VALUES (?, -1, 0, NOW(6)) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), \(Self.retryFailed)"
        let result = try await pool.execute(sql, [.string(path)])
        var id = Int64(result.lastInsertID)
        if id == 0 {
            // An unchanged duplicate on a table with a BEFORE UPDATE trigger (migration 3's person -1
            // guard) comes back from the client library without the insert id: read the row's id.
            let rows = try await pool.query("SELECT id FROM images WHERE path = ?", [.string(path)])
            guard let row = rows.first else { throw MySQLError(kind: .usage, message: "stored path \(path) not found again") }
            id = try row.decode("id", as: Int64.self)
        }
        return StoredPath(path: path, id: id, queued: result.affectedRows > 0)
    }

    /// Assignments that put a failed row (status 2) back to pending (and announced: `queued_at`) and leave any
    /// other row unchanged. MariaDB applies them left to right, so `status` must come last: the others test
    /// its old value.
    static let retryFailed: String = {
        let failed = ImageStatus.failed.rawValue
        return """
            attempts = IF(status = \(failed), 0, attempts), last_error = IF(status = \(failed), NULL, last_error), \
            next_attempt_at = IF(status = \(failed), NULL, next_attempt_at), \
            lease_owner = IF(status = \(failed), NULL, lease_owner), lease_expires_at = IF(status = \(failed), NULL, lease_expires_at), \
            queued_at = IF(status = \(failed), NOW(6), queued_at), status = IF(status = \(failed), \(ImageStatus.pending.rawValue), status)
            """
    }()

    /// A batch in (usually) one round trip, no transaction: one multi-row `INSERT IGNORE ... RETURNING`
    /// creates the new rows and names them with their ids (a path that exists, or that another request
    /// inserts at the same moment, is ignored and not returned). Only when some paths already existed
    /// does a `SELECT` read their ids, and a failed one is put back to pending on its own (rare: a user
    /// re-posting a failed image). Each statement is atomic, so no transaction is needed.
    ///
    /// Statement shapes are bucketed (`PlaceholderBucket`): a batch of 37 paths is sent as 64 values, the
    /// last path repeated (ignored as a duplicate), so each connection prepares a handful of statements
    /// instead of one per batch size.
    private func storeBatch(_ paths: [String]) async throws -> [StoredPath] {
        var unique: [String] = []
        var seen = Set<String>()
        for path in paths where seen.insert(path).inserted { unique.append(path) }
        // person -1 is the sample's "no person" (its services read person into a non-null int).
        let padded = PlaceholderBucket.padded(unique)
        let inserted = try await pool.query(
            "INSERT IGNORE INTO images (path, person, status, queued_at) VALUES \(SQLPlaceholders.list(padded.count, each: "(?, -1, 0, NOW(6))")) RETURNING id, path",
            padded.map { .string($0) })
        var ids: [String: Int64] = [:]
        var queued = Set<String>()
        for row in inserted {
            let path = try row.decode("path", as: String.self)
            ids[path] = try row.decode("id", as: Int64.self)
            queued.insert(path)
        }
        let existing = unique.filter { ids[$0] == nil }
        if !existing.isEmpty {
            let lookup = PlaceholderBucket.padded(existing)
            let rows = try await pool.query(
                "SELECT id, path, status FROM images WHERE path IN (\(SQLPlaceholders.list(lookup.count)))",
                lookup.map { .string($0) })
            for row in rows {
                let path = try row.decode("path", as: String.self)
                let id = try row.decode("id", as: Int64.self)
                ids[path] = id
                if try row.decode("status", as: Int.self) == ImageStatus.failed.rawValue,
                    try await resetFailed(id)
                {
                    queued.insert(path)
                }
            }
        }
        var reported = Set<String>()
        return try paths.map { path in
            guard let id = ids[path] else { throw MySQLError(kind: .usage, message: "stored path \(path) not found again") }
            let first = reported.insert(path).inserted
            return StoredPath(path: path, id: id, queued: first && queued.contains(path))
        }
    }

    /// Puts a failed row back to pending; false when it is no longer failed (someone else reset it).
    private func resetFailed(_ id: Int64) async throws -> Bool {
        let result = try await pool.execute(
            "UPDATE images SET \(Self.retryFailed) WHERE id = ? AND status = \(ImageStatus.failed.rawValue)",
            [.int(id)])
        return result.affectedRows > 0
    }

    public func clearQueued(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        let padded = PlaceholderBucket.padded(ids)
        try await pool.execute(
            "UPDATE images SET queued_at = NULL WHERE status = \(ImageStatus.pending.rawValue) AND id IN (\(SQLPlaceholders.list(padded.count)))",
            padded.map { .int($0) })
    }

    public func details(of id: Int64) async throws -> ImageDetails? {
        let rows = try await pool.query(
            """
            SELECT i.id, i.path, i.person, i.status, i.attempts, i.last_error, i.created_at, i.updated_at,
                   i.next_attempt_at, p.name AS person_name
            FROM images i LEFT JOIN person p ON p.id = i.person WHERE i.id = ?
            """, [.int(id)])
        guard let row = rows.first else { return nil }
        let statusCode = try row.decode("status", as: Int.self)
        let personID = Image.person(fromColumn: try row.decode("person", as: Int64?.self))
        let image = Image(
            id: try row.decode("id"), path: try row.decode("path"), person: personID,
            status: ImageStatus(rawValue: statusCode) ?? .pending, attempts: try row.decode("attempts"),
            lastError: try row.decode("last_error"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"), nextAttemptAt: try row.decode("next_attempt_at"))
        // -1 (and NULL from before migration 3) is "nobody"; only a real person row counts.
        let person = try row.decode("person_name", as: String?.self).flatMap { name in personID.map { Person(id: $0, name: name) } }
        let faceRows = try await pool.query(
            """
            SELECT f.face_index, f.box_left, f.box_top, f.box_right, f.box_bottom, f.person_id, f.distance,
                   p.name AS person_name
            FROM faces f LEFT JOIN person p ON p.id = f.person_id WHERE f.image_id = ? ORDER BY f.face_index
            """, [.int(id)])
        let faces = try faceRows.map { face -> ImageDetails.FaceDetails in
            let facePersonID = try face.decode("person_id", as: Int64?.self)
            let name = try face.decode("person_name", as: String?.self)
            return ImageDetails.FaceDetails(
                index: try face.decode("face_index"),
                box: FaceBox(
                    left: try face.decode("box_left"), top: try face.decode("box_top"),
                    right: try face.decode("box_right"), bottom: try face.decode("box_bottom")),
                person: facePersonID.flatMap { pid in name.map { Person(id: pid, name: $0) } },
                distance: try face.decode("distance"))
        }
        return ImageDetails(image: image, person: person, faces: faces)
    }

    public func problem() async -> String? {
        await pool.isReachable() ? nil : "database unreachable"
    }
}
