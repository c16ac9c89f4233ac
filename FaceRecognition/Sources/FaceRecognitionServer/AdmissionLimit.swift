import GRPCCore
import Synchronization

/// Caps the analyses in progress or queued: past the cap a call fails fast with RESOURCE_EXHAUSTED
/// instead of queueing without bound (clients retry with backoff).
public final class AdmissionLimit: Sendable {
    public let limit: Int
    private let inFlight = Mutex(0)

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    public var current: Int { inFlight.withLock { $0 } }

    func run<T>(_ body: () async throws(RPCError) -> T) async throws(RPCError) -> T {
        let admitted = inFlight.withLock { count -> Bool in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw RPCError(
                code: .resourceExhausted,
                message: "the server is busy: \(limit) images are already being analysed; retry later")
        }
        defer { inFlight.withLock { $0 -= 1 } }
        return try await body()
    }
}
