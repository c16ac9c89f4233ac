import Foundation
import Models
import MySQL

/// An image this worker holds the lease on.
public struct ClaimedImage: Sendable, Equatable {
    public var id: Int64
    public var path: String
    /// Attempts including this one.
    public var attempts: Int
    /// Time between the row's creation and the claim (queue lag).
    public var lag: Duration
}

/// Why an image could not be claimed.
public enum ClaimRefusal: Error, Sendable, Equatable {
    case missing
    /// Processed or failed for good: nothing to do.
    case finished(ImageStatus)
    /// Pending, but its retry is not due yet.
    case notDue(wait: Duration)
    /// Another worker holds a live lease.
    case leased
}

/// The processor's statements on `images` and `faces`. Every write after the claim is guarded by
/// `lease_owner`, so a worker that lost its lease (expired and taken over) changes nothing.
public struct ImageRepository: KnownImageLookup {
    public let pool: MySQLPool

    public init(pool: MySQLPool) { self.pool = pool }

    /// Claims a pending-and-due image, or one whose lease expired, in one conditional UPDATE: of two
    /// concurrent deliveries of the same id only one gets affected rows = 1. The sample's processor marks
    /// an image processing without a lease; such a mark older than our lease counts as expired (that
    /// processor died with it: it has no graceful stop).
    public func claim(_ id: Int64, owner: String, lease: Duration) async throws -> Result<ClaimedImage, ClaimRefusal> {
        let result = try await pool.execute(
            """
            UPDATE images SET status = 3, lease_owner = ?, lease_expires_at = NOW(6) + INTERVAL ? MICROSECOND,
                attempts = attempts + 1, next_attempt_at = NULL
            WHERE id = ? AND ((status = 0 AND (next_attempt_at IS NULL OR next_attempt_at <= NOW(6)))
                OR (status = 3 AND lease_expires_at < NOW(6))
                OR (status = 3 AND lease_owner IS NULL AND updated_at < NOW(6) - INTERVAL ? MICROSECOND))
            """, [.string(owner), .int(lease.microseconds), .int(id), .int(lease.microseconds)])
        if result.affectedRows == 1, let claimed = try await held(id, owner: owner) {
            return .success(claimed)
        }
        let rows = try await pool.query(
            "SELECT status, TIMESTAMPDIFF(MICROSECOND, NOW(6), next_attempt_at) AS wait_us FROM images WHERE id = ?", [.int(id)])
        guard let row = rows.first else { return .failure(.missing) }
        let status = ImageStatus(rawValue: try row.decode("status", as: Int.self)) ?? .pending
        switch status {
        case .processed, .failed: return .failure(.finished(status))
        case .processing: return .failure(.leased)
        case .pending:
            let wait = max(0, try row.decode("wait_us", as: Int64?.self) ?? 0)
            return .failure(.notDue(wait: .microseconds(wait)))
        }
    }

    /// The image if `owner` holds its lease (for deliveries the MySQL queue already claimed).
    public func held(_ id: Int64, owner: String) async throws -> ClaimedImage? {
        let rows = try await pool.query(
            """
            SELECT path, attempts, TIMESTAMPDIFF(MICROSECOND, created_at, NOW(6)) AS lag_us FROM images
            WHERE id = ? AND status = 3 AND lease_owner = ?
            """, [.int(id), .string(owner)])
        guard let row = rows.first else { return nil }
        return ClaimedImage(
            id: id, path: try row.decode("path"), attempts: try row.decode("attempts"),
            lag: .microseconds(max(0, try row.decode("lag_us", as: Int64?.self) ?? 0)))
    }

    public func extendLease(_ id: Int64, owner: String, lease: Duration) async throws {
        try await pool.execute(
            "UPDATE images SET lease_expires_at = NOW(6) + INTERVAL ? MICROSECOND WHERE id = ? AND status = 3 AND lease_owner = ?",
            [.int(lease.microseconds), .int(id), .string(owner)])
    }

    /// Faces, person (-1 for nobody, as the sample's services expect) and status in one transaction, only
    /// while `owner` still holds the lease. The
    /// faces are replaced, not added: with UNIQUE(image_id, face_index) a re-run can never duplicate them.
    /// Returns false when the lease was lost (nothing written).
    public func complete(_ id: Int64, owner: String, recognition: Recognition) async throws -> Bool {
        try await pool.transaction { tx in
            let mine = try await tx.query(
                "SELECT id FROM images WHERE id = ? AND status = 3 AND lease_owner = ? FOR UPDATE", [.int(id), .string(owner)])
            guard !mine.isEmpty else { return false }
            // Delete earlier rows by primary key only: a `DELETE ... WHERE image_id = ?` that matches nothing
            // takes a gap lock, and two such transactions inserting into the same gap deadlock. The
            // image row's lock (FOR UPDATE above) already keeps other writers of these faces out.
            let earlier = try await tx.query("SELECT id FROM faces WHERE image_id = ?", [.int(id)])
            if !earlier.isEmpty {
                let ids = try earlier.map { MySQLValue.int(try $0.decode("id", as: Int64.self)) }
                try await tx.execute(
                    "DELETE FROM faces WHERE id IN (\(SQLPlaceholders.list(ids.count)))", ids)
            }
            if !recognition.faces.isEmpty {
                let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
                var parameters: [MySQLValue] = []
                parameters.reserveCapacity(recognition.faces.count * 9)
                for face in recognition.faces {
                    parameters += [
                        .int(id), .int(Int64(face.index)), .int(Int64(face.box.left)), .int(Int64(face.box.top)),
                        .int(Int64(face.box.right)), .int(Int64(face.box.bottom)), .bytes(face.descriptor),
                        MySQLValue(face.personID), MySQLValue(face.distance),
                    ]
                }
                try await tx.execute(
                    """
                    INSERT INTO faces (image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, person_id, distance)
                    VALUES \(SQLPlaceholders.list(recognition.faces.count, each: row))
                    """, parameters)
            }
            try await tx.execute(
                """
                UPDATE images SET status = 1, person = ?, lease_owner = NULL, lease_expires_at = NULL,
                    next_attempt_at = NULL, last_error = NULL
                WHERE id = ? AND lease_owner = ?
                """, [.int(Image.personColumn(recognition.personID)), .int(id), .string(owner)])
            return true
        }
    }

    /// Back to pending, due after `delay`. `refundAttempt` undoes the claim's attempt (the failure was
    /// not the image's fault). Returns false when the lease was not ours any more.
    @discardableResult
    public func release(_ id: Int64, owner: String, delay: Duration, refundAttempt: Bool, error: String?) async throws -> Bool {
        let result = try await pool.execute(
            """
            UPDATE images SET status = 0, lease_owner = NULL, lease_expires_at = NULL,
                next_attempt_at = NOW(6) + INTERVAL ? MICROSECOND, attempts = GREATEST(attempts - ?, 0),
                last_error = COALESCE(?, last_error)
            WHERE id = ? AND status = 3 AND lease_owner = ?
            """, [.int(delay.microseconds), .int(refundAttempt ? 1 : 0), MySQLValue(error), .int(id), .string(owner)])
        return result.affectedRows == 1
    }

    /// Failed for good.
    @discardableResult
    public func fail(_ id: Int64, owner: String, error: String) async throws -> Bool {
        let result = try await pool.execute(
            """
            UPDATE images SET status = 2, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL, last_error = ?
            WHERE id = ? AND status = 3 AND lease_owner = ?
            """, [.string(String(error.prefix(2000))), .int(id), .string(owner)])
        return result.affectedRows == 1
    }

    public func person(ofKnownImage name: String) async throws -> Int64? {
        let rows = try await pool.query(
            "SELECT person.id FROM person INNER JOIN person_images AS pi ON person.id = pi.person_id WHERE pi.image_name = ? LIMIT 1",
            [.string(name)])
        return try rows.first?.decode("id", as: Int64.self)
    }
}

extension Duration {
    /// Whole microseconds, for `INTERVAL ? MICROSECOND`.
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
