/// Exponential backoff: `initial * 2^(attempt-1)`, capped at `maximum`, with optional random jitter.
public struct NSQBackoffPolicy: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    /// Fraction of the delay added at random (0...1), so many clients do not retry in lockstep.
    public var jitter: Double

    public init(initial: Duration, maximum: Duration, jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// Delay before retry number `attempt` (1-based), without jitter.
    public func baseDelay(attempt: Int) -> Duration {
        guard attempt > 0 else { return .zero }
        var delay = initial
        for _ in 1..<min(attempt, 40) {
            delay *= 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }

    public func delay(attempt: Int) -> Duration {
        let base = baseDelay(attempt: attempt)
        guard jitter > 0 else { return base }
        return base + base * Double.random(in: 0...jitter)
    }
}
