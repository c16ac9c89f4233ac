import Foundation
import GRPCCore
import Synchronization

/// Whether the service can answer: not before the models and the gallery are loaded, and no longer
/// once it is draining for shutdown. The gRPC server starts listening before that, so health checks
/// can say NOT_SERVING while it loads.
public final class ServiceReadiness: Sendable {
    private struct State {
        var components: RecognitionComponents?
        var draining = false
        var watchers: [UUID: AsyncStream<Bool>.Continuation] = [:]
        var isServing: Bool { components != nil && !draining }
    }

    private let state = Mutex(State())

    public init() {}

    public var isServing: Bool { state.withLock { $0.isServing } }

    /// Models and gallery are loaded: start serving.
    public func becomeReady(_ components: RecognitionComponents) {
        update { $0.components = components }
    }

    /// Shutting down: report NOT_SERVING so load balancers stop sending work, while in-flight calls finish.
    public func beginDraining() {
        update { $0.draining = true }
        // Watch streams end so they do not hold up the server's graceful shutdown.
        let watchers = state.withLock { state in
            defer { state.watchers.removeAll() }
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.finish() }
    }

    /// The loaded components, or UNAVAILABLE while loading or draining.
    func components() throws(RPCError) -> RecognitionComponents {
        let current = state.withLock { $0.isServing ? $0.components : nil }
        guard let current else {
            throw RPCError(code: .unavailable, message: "the face recognition service is not ready (loading models and gallery, or shutting down)")
        }
        return current
    }

    /// The serving state now and after every change (ends when the consumer stops iterating).
    public func servingChanges() -> AsyncStream<Bool> {
        let (stream, continuation) = AsyncStream<Bool>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        let (serving, draining) = state.withLock { state in
            if !state.draining { state.watchers[id] = continuation }
            return (state.isServing, state.draining)
        }
        continuation.yield(serving)
        if draining {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    private func update(_ change: (inout State) -> Void) {
        let (serving, changed, watchers) = state.withLock { state in
            let before = state.isServing
            change(&state)
            return (state.isServing, state.isServing != before, Array(state.watchers.values))
        }
        if changed {
            for watcher in watchers { watcher.yield(serving) }
        }
    }
}
