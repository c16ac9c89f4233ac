import Foundation
import Models

/// One path after it was stored: its row id and whether this call queued it: a new row, or a row
/// that had failed and was reset to pending (re-posting a failed image is how a user retries it).
public struct StoredPath: Sendable, Equatable {
    public var path: String
    public var id: Int64
    public var queued: Bool

    public init(path: String, id: Int64, queued: Bool) {
        self.path = path
        self.id = id
        self.queued = queued
    }
}

/// Everything `GET /images/{id}` shows about an image.
public struct ImageDetails: Sendable, Equatable {
    public struct FaceDetails: Sendable, Equatable {
        public var index: Int
        public var box: FaceBox
        public var person: Person?
        public var distance: Double?
    }

    public var image: Image
    public var person: Person?
    public var faces: [FaceDetails]
}

/// Where the Receiver keeps images. The seam between the HTTP layer and the database, so the
/// handlers can be exercised against another store (and the MySQL one on its own).
public protocol ImageStore: Sendable {
    /// Inserts pending rows for `paths`; an existing path keeps its row and id, and a failed one goes back to
    /// pending with its attempts reset. New and reset rows get `queued_at` (announced: with the MySQL queue
    /// the row is the queue entry; with NSQ the publish follows, and a receiver that dies before it leaves
    /// rows the sweeper re-announces once their `queued_at` is older than its requeue age).
    func store(_ paths: [String]) async throws -> [StoredPath]
    /// After a failed publish (NSQ): `queued_at` back to NULL, so the sweeper publishes the rows after its
    /// short grace instead of the requeue age.
    func clearQueued(_ ids: [Int64]) async throws
    func details(of id: Int64) async throws -> ImageDetails?
    /// Nil when healthy, else a short reason (readiness).
    func problem() async -> String?
}
