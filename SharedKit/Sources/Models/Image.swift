import Foundation

/// A row of the `images` table: one photo the pipeline was told about.
public struct Image: Codable, Hashable, Sendable, Identifiable {
    public var id: Int64
    /// Path relative to the image root, exactly as the client sent it.
    public var path: String
    /// Best known person found in the photo (`person.id`), as the sample's frontend expects.
    public var person: Int64?
    public var status: ImageStatus
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date?
    public var updatedAt: Date?
    /// When a pending image becomes due again after a failed attempt.
    public var nextAttemptAt: Date?
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?

    public init(
        id: Int64, path: String, person: Int64? = nil, status: ImageStatus = .pending, attempts: Int = 0,
        lastError: String? = nil, createdAt: Date? = nil, updatedAt: Date? = nil, nextAttemptAt: Date? = nil,
        leaseOwner: String? = nil, leaseExpiresAt: Date? = nil
    ) {
        self.id = id
        self.path = path
        self.person = person
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.nextAttemptAt = nextAttemptAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
    }
}
