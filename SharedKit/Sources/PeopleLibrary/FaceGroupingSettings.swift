import Models

/// The grouping rule's knobs (the processor sets them from `--group-*` flags).
public struct FaceGroupingSettings: Sendable, Equatable {
    /// A face joins the nearest group whose centroid is at most this far away, else it starts a group.
    /// Below dlib's same-person 0.6 on purpose: a person split over two groups is healed by naming one
    /// (rematching finds the other), two people in one group need face-by-face removal. On real LFW
    /// descriptors 0.45 kept 99.5 % of faces in pure groups (0.5: 98.1 %, 0.6: 48 %; SharedKit README).
    public var joinDistance: Float
    /// Faces whose box is smaller than this on its shorter side (pixels) are bystanders: not grouped.
    public var minFaceSize: Int
    /// How long a grouper waits for the server-wide grouping lock before giving up (the face stays
    /// ungrouped; the backfill retries it).
    public var lockTimeoutSeconds: Int

    public init(joinDistance: Float = 0.45, minFaceSize: Int = 60, lockTimeoutSeconds: Int = 10) {
        self.joinDistance = joinDistance
        self.minFaceSize = max(0, minFaceSize)
        self.lockTimeoutSeconds = max(0, lockTimeoutSeconds)
    }

    /// Whether a face of this box is grouped at all.
    public func isLargeEnough(_ box: FaceBox) -> Bool {
        min(box.width, box.height) >= minFaceSize
    }
}
