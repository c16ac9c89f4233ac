/// How the processor treats each image (all set from flags/env by `image-processor`).
public struct ProcessorSettings: Sendable {
    /// `lease_owner` of claims this worker takes itself (NSQ deliveries).
    public var owner: String
    /// Attempts (claims that reached FaceRecognition and were refused) before an image fails for good.
    public var maxAttempts: Int
    /// Retry delay after the n-th failed attempt: `retryBase * 2^(n-1)`, at most `retryMax`.
    public var retryBase: Duration
    public var retryMax: Duration
    /// Lease on a claimed image; extended every third of it while FaceRecognition works.
    public var lease: Duration
    /// gRPC deadline of one Identify call.
    public var recognitionDeadline: Duration
    public var healthDeadline: Duration
    /// Requeue delay while FaceRecognition is unavailable (breaker open or a transient failure).
    public var unavailableDelay: Duration

    public init(
        owner: String, maxAttempts: Int = 5, retryBase: Duration = .seconds(2), retryMax: Duration = .seconds(300),
        lease: Duration = .seconds(60), recognitionDeadline: Duration = .seconds(30), healthDeadline: Duration = .seconds(2),
        unavailableDelay: Duration = .seconds(2)
    ) {
        self.owner = owner
        self.maxAttempts = max(1, maxAttempts)
        self.retryBase = retryBase
        self.retryMax = retryMax
        self.lease = lease
        self.recognitionDeadline = recognitionDeadline
        self.healthDeadline = healthDeadline
        self.unavailableDelay = unavailableDelay
    }

    /// Exponential backoff after `attempts` failed attempts.
    public func retryDelay(afterAttempt attempts: Int) -> Duration {
        let exponent = min(max(attempts - 1, 0), 30)
        let delay = retryBase * Double(1 << exponent)
        return min(delay, retryMax)
    }
}
