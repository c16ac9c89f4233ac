import Metrics
import Synchronization

/// Protects the FaceRecognition service and the queue from each other: after `failureThreshold`
/// consecutive failures (timeouts, unavailable) the breaker opens and deliveries are requeued with a
/// delay instead of burning their attempts. After `coolDown` the next caller gets `.probe`: it runs a
/// health check, and the breaker closes on success or opens for another cool-down on failure. While the
/// probe runs (half-open) everyone else is refused.
public final class CircuitBreaker: Sendable {
    public enum State: Int, Sendable, CustomStringConvertible {
        case closed = 0
        case open = 1
        case halfOpen = 2

        public var description: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half-open"
            }
        }
    }

    public enum Permission: Sendable, Equatable {
        /// Go ahead and call.
        case allowed
        /// Do not call; try again after this long.
        case refused(retryAfter: Duration)
        /// The cool-down is over: check the service's health and report with `probeFinished(healthy:)`.
        case probe
    }

    /// Monotonic time source (injectable for tests).
    public typealias Now = @Sendable () -> ContinuousClock.Instant

    private struct Machine {
        var state: State = .closed
        var consecutiveFailures = 0
        var openedAt: ContinuousClock.Instant?
    }

    public let failureThreshold: Int
    public let coolDown: Duration
    private let now: Now
    private let machine = Mutex(Machine())
    private let gauge: Gauge?
    private let onChange: (@Sendable (State, State) -> Void)?

    public init(
        failureThreshold: Int = 5, coolDown: Duration = .seconds(5), now: @escaping Now = { ContinuousClock.now },
        gauge: Gauge? = Gauge(label: "processor_circuit_breaker_state"),
        onChange: (@Sendable (_ from: State, _ to: State) -> Void)? = nil
    ) {
        self.failureThreshold = max(1, failureThreshold)
        self.coolDown = coolDown
        self.now = now
        self.gauge = gauge
        self.onChange = onChange
        gauge?.record(State.closed.rawValue)
    }

    public var state: State { machine.withLock { $0.state } }

    public func permission() -> Permission {
        let instant = now()
        let (permission, change) = machine.withLock { m -> (Permission, (State, State)?) in
            switch m.state {
            case .closed:
                return (.allowed, nil)
            case .halfOpen:
                return (.refused(retryAfter: coolDown), nil)
            case .open:
                let elapsed = instant - (m.openedAt ?? instant)
                if elapsed >= coolDown {
                    m.state = .halfOpen
                    return (.probe, (.open, .halfOpen))
                }
                return (.refused(retryAfter: coolDown - elapsed), nil)
            }
        }
        if let change { changed(change) }
        return permission
    }

    /// A call succeeded (or the service answered, even with an error about the input).
    public func recordSuccess() {
        let change = machine.withLock { m -> (State, State)? in
            m.consecutiveFailures = 0
            guard m.state != .closed else { return nil }
            let from = m.state
            m.state = .closed
            m.openedAt = nil
            return (from, .closed)
        }
        if let change { changed(change) }
    }

    /// A call failed because the service is unhealthy or unreachable.
    public func recordFailure() {
        let instant = now()
        let change = machine.withLock { m -> (State, State)? in
            m.consecutiveFailures += 1
            switch m.state {
            case .closed where m.consecutiveFailures >= failureThreshold, .halfOpen:
                let from = m.state
                m.state = .open
                m.openedAt = instant
                return (from, .open)
            case .open:
                // Calls that started before the breaker opened: restart the cool-down.
                m.openedAt = instant
                return nil
            default:
                return nil
            }
        }
        if let change { changed(change) }
    }

    public func probeFinished(healthy: Bool) {
        if healthy { recordSuccess() } else { recordFailure() }
    }

    private func changed(_ change: (State, State)) {
        gauge?.record(change.1.rawValue)
        onChange?(change.0, change.1)
    }
}
