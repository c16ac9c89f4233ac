import Synchronization

/// Liveness and readiness of one process.
///
/// Live: the process is not wedged (Kubernetes restarts it otherwise). Ready: it should get traffic:
/// started, every readiness check passing, and not draining. SIGTERM flips `draining` at once, so
/// readiness drops while requests are still served.
public final class HealthState: Sendable {
    public typealias Check = @Sendable () async -> String?

    private struct State {
        var started = false
        var draining = false
        var checks: [(name: String, check: Check)] = []
    }

    private let state = Mutex(State())

    public init() {}

    public func markStarted() { state.withLock { $0.started = true } }
    public func beginDraining() { state.withLock { $0.draining = true } }
    public var isDraining: Bool { state.withLock { $0.draining } }
    public var isStarted: Bool { state.withLock { $0.started } }

    /// Adds a check that returns nil when healthy or a short reason when not (e.g. "database unreachable").
    public func addReadinessCheck(_ name: String, _ check: @escaping Check) {
        state.withLock { $0.checks.append((name, check)) }
    }

    /// Nil when ready, otherwise every reason it is not.
    public func readinessProblems() async -> [String]? {
        let (started, draining, checks) = state.withLock { ($0.started, $0.draining, $0.checks) }
        var problems: [String] = []
        if draining { problems.append("draining") }
        if !started { problems.append("starting") }
        for (name, check) in checks {
            if let problem = await check() { problems.append("\(name): \(problem)") }
        }
        return problems.isEmpty ? nil : problems
    }
}
