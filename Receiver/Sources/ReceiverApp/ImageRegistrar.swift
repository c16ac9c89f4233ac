import ImageFiles
import ImageQueue
import Logging
import Metrics

/// Validates paths, stores them and announces the new ids: the Receiver's core, independent of HTTP.
///
/// Order matters for "nothing lost": the rows are committed before anything is published. When the queue
/// marks rows itself (the MySQL queue) `queued_at` is set in the insert; otherwise (NSQ) only after a
/// successful publish, so a failed publish leaves the row pending with `queued_at` NULL and the
/// ImageProcessor's sweeper publishes it later.
public struct ImageRegistrar: Sendable {
    let store: any ImageStore
    let publisher: any ImagePublisher
    let queueIsTable: Bool
    let logger: Logger
    private let queuedCounter = Counter(label: "receiver_images_total", dimensions: [("status", "queued")])
    private let duplicateCounter = Counter(label: "receiver_images_total", dimensions: [("status", "duplicate")])
    private let rejectedCounter = Counter(label: "receiver_images_total", dimensions: [("status", "rejected")])
    private let publishFailures = Counter(label: "receiver_publish_failures_total")

    /// - Parameter queueIsTable: true for the MySQL queue, where the committed row is the queue entry.
    public init(store: any ImageStore, publisher: any ImagePublisher, queueIsTable: Bool, logger: Logger) {
        self.store = store
        self.publisher = publisher
        self.queueIsTable = queueIsTable
        self.logger = logger
    }

    /// The single-path hot path: no intermediate arrays.
    public func register(_ path: String) async throws -> PathOutcome {
        do {
            try ImageRoot.validate(relativePath: path)
        } catch {
            rejectedCounter.increment()
            return PathOutcome(path: path, status: .rejected, reason: error.description, code: error.code)
        }
        let stored = try await store.store([path], markQueued: queueIsTable)[0]
        if stored.queued {
            queuedCounter.increment()
            await announce([stored.id])
        } else {
            duplicateCounter.increment()
        }
        return PathOutcome(path: path, id: stored.id, status: stored.queued ? .queued : .duplicate)
    }

    /// One outcome per path, in order. Throws only when the store fails (nothing was stored then).
    public func register(_ paths: [String]) async throws -> [PathOutcome] {
        var outcomes: [PathOutcome?] = Array(repeating: nil, count: paths.count)
        var valid: [String] = []
        var validIndices: [Int] = []
        valid.reserveCapacity(paths.count)
        for (index, path) in paths.enumerated() {
            do {
                try ImageRoot.validate(relativePath: path)
                valid.append(path)
                validIndices.append(index)
            } catch {
                outcomes[index] = PathOutcome(path: path, status: .rejected, reason: error.description, code: error.code)
                rejectedCounter.increment()
            }
        }
        if !valid.isEmpty {
            let stored = try await store.store(valid, markQueued: queueIsTable)
            var created: [Int64] = []
            for (index, item) in zip(validIndices, stored) {
                outcomes[index] = PathOutcome(path: item.path, id: item.id, status: item.queued ? .queued : .duplicate)
                if item.queued { created.append(item.id) }
            }
            if !created.isEmpty { queuedCounter.increment(by: Int64(created.count)) }
            if created.count < stored.count { duplicateCounter.increment(by: Int64(stored.count - created.count)) }
            if !created.isEmpty { await announce(created) }
        }
        return outcomes.map { $0! }
    }

    private func announce(_ ids: [Int64]) async {
        do {
            try await publisher.publish(ids)
        } catch {
            publishFailures.increment()
            var logger = logger
            if ids.count == 1 { logger[metadataKey: "image_id"] = "\(ids[0])" }
            logger.warning(
                "publishing failed; the rows stay pending and the sweeper will publish them",
                metadata: ["ids": "\(ids.count)", "error": "\(error)"])
            return
        }
        guard !queueIsTable else { return }
        do {
            try await store.markQueued(ids)
        } catch {
            // Harmless: the sweeper may publish these again and the processor's claim makes that a no-op.
            logger.warning("recording queued_at failed", metadata: ["ids": "\(ids.count)", "error": "\(error)"])
        }
    }
}
