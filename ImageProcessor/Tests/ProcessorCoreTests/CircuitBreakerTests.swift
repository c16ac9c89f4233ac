import Synchronization
import Testing

@testable import ProcessorCore

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    func now() -> ContinuousClock.Instant { instant.withLock { $0 } }
    func advance(_ duration: Duration) { instant.withLock { $0 = $0.advanced(by: duration) } }
}

@Suite("CircuitBreaker")
struct CircuitBreakerTests {
    func make(_ clock: ManualClock, threshold: Int = 3, coolDown: Duration = .seconds(10)) -> CircuitBreaker {
        CircuitBreaker(failureThreshold: threshold, coolDown: coolDown, now: { clock.now() }, gauge: nil)
    }

    @Test("closed until N consecutive failures; a success resets the count")
    func opensAfterThreshold() {
        let clock = ManualClock()
        let breaker = make(clock)
        breaker.recordFailure()
        breaker.recordFailure()
        breaker.recordSuccess()
        breaker.recordFailure()
        breaker.recordFailure()
        #expect(breaker.state == .closed)
        #expect(breaker.permission() == .allowed)
        breaker.recordFailure()
        #expect(breaker.state == .open)
        #expect(breaker.permission() == .refused(retryAfter: .seconds(10)))
    }

    @Test("open refuses with the remaining cool-down, then hands out exactly one probe")
    func halfOpenProbe() {
        let clock = ManualClock()
        let breaker = make(clock, threshold: 1)
        breaker.recordFailure()
        clock.advance(.seconds(4))
        #expect(breaker.permission() == .refused(retryAfter: .seconds(6)))
        clock.advance(.seconds(6))
        #expect(breaker.permission() == .probe)
        #expect(breaker.state == .halfOpen)
        // Everyone else waits while the probe runs.
        #expect(breaker.permission() == .refused(retryAfter: .seconds(10)))
        breaker.probeFinished(healthy: true)
        #expect(breaker.state == .closed)
        #expect(breaker.permission() == .allowed)
    }

    @Test("a failed probe opens the breaker for another full cool-down")
    func failedProbe() {
        let clock = ManualClock()
        let breaker = make(clock, threshold: 2)
        breaker.recordFailure()
        breaker.recordFailure()
        clock.advance(.seconds(10))
        #expect(breaker.permission() == .probe)
        breaker.probeFinished(healthy: false)
        #expect(breaker.state == .open)
        clock.advance(.seconds(9))
        #expect(breaker.permission() == .refused(retryAfter: .seconds(1)))
        clock.advance(.seconds(1))
        #expect(breaker.permission() == .probe)
    }

    @Test("failures while open restart the cool-down; state changes are reported")
    func reportsChanges() {
        let clock = ManualClock()
        let changes = Mutex<[String]>([])
        let breaker = CircuitBreaker(failureThreshold: 1, coolDown: .seconds(10), now: { clock.now() }, gauge: nil) { from, to in
            changes.withLock { $0.append("\(from)->\(to)") }
        }
        breaker.recordFailure()
        clock.advance(.seconds(8))
        breaker.recordFailure()  // a call that started before the breaker opened
        clock.advance(.seconds(8))
        #expect(breaker.permission() == .refused(retryAfter: .seconds(2)))
        clock.advance(.seconds(2))
        #expect(breaker.permission() == .probe)
        breaker.probeFinished(healthy: true)
        #expect(changes.withLock { $0 } == ["closed->open", "open->half-open", "half-open->closed"])
    }

    @Test("state codes for the gauge: closed 0, open 1, half-open 2")
    func codes() {
        #expect(CircuitBreaker.State.closed.rawValue == 0)
        #expect(CircuitBreaker.State.open.rawValue == 1)
        #expect(CircuitBreaker.State.halfOpen.rawValue == 2)
    }

    @Test("retry delays grow exponentially up to the cap")
    func retryDelays() {
        let settings = ProcessorSettings(owner: "t", retryBase: .seconds(2), retryMax: .seconds(30))
        #expect(settings.retryDelay(afterAttempt: 1) == .seconds(2))
        #expect(settings.retryDelay(afterAttempt: 2) == .seconds(4))
        #expect(settings.retryDelay(afterAttempt: 4) == .seconds(16))
        #expect(settings.retryDelay(afterAttempt: 5) == .seconds(30))
        #expect(settings.retryDelay(afterAttempt: 50) == .seconds(30))
    }
}
