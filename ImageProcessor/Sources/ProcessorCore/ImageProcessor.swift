import Foundation
import ImageQueue
import Logging
import Metrics

/// Handles one delivered image id: claim, recognise, record; or retry, requeue, or fail for good.
///
/// A duplicate delivery never processes an image twice: the claim is one conditional UPDATE and the
/// final write only happens while this worker still owns the lease.
public final class ImageProcessor: Sendable {
    let repository: ImageRepository
    let recognizer: any FaceRecognizer
    public let breaker: CircuitBreaker
    let settings: ProcessorSettings
    let logger: Logger
    /// Groups the unknown faces of each recorded image; nil: no grouping.
    let grouping: (any FaceGrouping)?
    private let groupingMetrics = GroupingMetrics()

    private let processed = Counter(label: "processor_images_processed_total")
    private let failed = Counter(label: "processor_images_failed_total")
    private let retried = Counter(label: "processor_images_retried_total")
    private let requeued = Counter(label: "processor_images_requeued_total")
    private let latency = Timer(label: "processor_processing_seconds", preferredDisplayUnit: .seconds)
    private let queueLag = Timer(label: "processor_queue_lag_seconds", preferredDisplayUnit: .seconds)

    public init(
        repository: ImageRepository, recognizer: any FaceRecognizer, breaker: CircuitBreaker, settings: ProcessorSettings,
        grouping: (any FaceGrouping)? = nil, logger: Logger = Logger(label: "image-processor")
    ) {
        self.repository = repository
        self.recognizer = recognizer
        self.breaker = breaker
        self.settings = settings
        self.grouping = grouping
        self.logger = logger
    }

    public func handle(_ delivery: ImageDelivery) async -> DeliveryOutcome {
        var logger = self.logger
        logger[metadataKey: "image_id"] = "\(delivery.imageID)"
        do {
            return try await process(delivery, logger: logger)
        } catch {
            // The database failed us (or we were cancelled): hand the image back to the queue. If even the
            // requeue cannot be recorded, the lease expires and the image is delivered again.
            logger.warning("processing interrupted; requeueing", metadata: ["error": "\(error)"])
            let owner = delivery.claim?.owner ?? settings.owner
            _ = try? await repository.release(
                delivery.imageID, owner: owner, delay: settings.unavailableDelay, refundAttempt: true, error: nil)
            requeued.increment()
            return .requeue(delay: settings.unavailableDelay)
        }
    }

    private func process(_ delivery: ImageDelivery, logger: Logger) async throws -> DeliveryOutcome {
        let id = delivery.imageID
        let owner = delivery.claim?.owner ?? settings.owner

        // 1. Is FaceRecognition usable? While the breaker is open nothing is claimed (NSQ) and a
        //    queue-made claim is handed back with its attempt refunded.
        switch breaker.permission() {
        case .allowed:
            break
        case .refused(let retryAfter):
            return try await handBack(delivery, owner: owner, delay: max(retryAfter, .milliseconds(100)), logger: logger)
        case .probe:
            let healthy = await recognizer.isHealthy(deadline: settings.healthDeadline)
            breaker.probeFinished(healthy: healthy)
            logger.info("circuit breaker probe", metadata: ["healthy": "\(healthy)", "state": "\(breaker.state)"])
            if !healthy { return try await handBack(delivery, owner: owner, delay: settings.unavailableDelay, logger: logger) }
        }

        // 2. Claim.
        let image: ClaimedImage
        if delivery.claim != nil {
            guard let held = try await repository.held(id, owner: owner) else {
                logger.info("queue claim no longer held; skipping")
                return .finished
            }
            image = held
        } else {
            switch try await repository.claim(id, owner: owner, lease: settings.lease) {
            case .success(let claimed):
                image = claimed
            case .failure(.notDue(let wait)):
                logger.debug("not due yet; requeueing", metadata: ["wait": "\(wait)"])
                return .requeue(delay: max(wait, .milliseconds(10)))
            case .failure(let refusal):
                logger.debug("nothing to do for this delivery", metadata: ["reason": "\(refusal)"])
                return .finished
            }
        }
        queueLag.recordNanoseconds(image.lag.nanosecondCount)
        var logger = logger
        logger[metadataKey: "attempt"] = "\(image.attempts)"

        if image.attempts > settings.maxAttempts {
            // Only reachable when earlier attempts never finished (e.g. the worker died each time).
            let message = "gave up after \(image.attempts - 1) attempts that did not finish"
            try await repository.fail(id, owner: owner, error: message)
            failed.increment()
            logger.error("image failed for good", metadata: ["error": "\(message)"])
            return .finished
        }

        // 3. Recognise, keeping the lease (and the NSQ message) alive meanwhile.
        let start = ContinuousClock.now
        let outcome: Result<Recognition, RecognitionError>
        do {
            let recognition = try await withLeaseKeptAlive(delivery, owner: owner) {
                try await self.recognizer.recognize(path: image.path, deadline: self.settings.recognitionDeadline)
            }
            outcome = .success(recognition)
        } catch let error as RecognitionError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(RecognitionError(.unavailable, "\(error)"))
        }

        switch outcome {
        case .success(let recognition):
            breaker.recordSuccess()
            guard try await repository.complete(id, owner: owner, recognition: recognition) else {
                logger.warning("lease lost before the result was recorded; another worker has the image")
                return .finished
            }
            latency.recordNanoseconds((ContinuousClock.now - start).nanosecondCount)
            processed.increment()
            logger.info(
                "image processed",
                metadata: [
                    "faces": "\(recognition.faces.count)", "person": "\(recognition.personID.map(String.init) ?? "none")",
                ])
            await groupUnknownFaces(of: id, recognition, logger: logger)
            return .finished
        case .failure(let error) where error.kind == .unavailable:
            breaker.recordFailure()
            logger.warning("FaceRecognition unavailable; requeueing", metadata: ["error": "\(error)", "breaker": "\(breaker.state)"])
            try await repository.release(id, owner: owner, delay: settings.unavailableDelay, refundAttempt: true, error: error.message)
            requeued.increment()
            return .requeue(delay: settings.unavailableDelay)
        case .failure(let error):
            // The service answered: it is healthy, the image is the problem.
            breaker.recordSuccess()
            if image.attempts >= settings.maxAttempts {
                let message = "failed after \(image.attempts) attempts: \(error.message)"
                try await repository.fail(id, owner: owner, error: message)
                failed.increment()
                logger.error("image failed for good", metadata: ["error": "\(error)"])
                return .finished
            }
            let delay = settings.retryDelay(afterAttempt: image.attempts)
            try await repository.release(id, owner: owner, delay: delay, refundAttempt: false, error: error.message)
            retried.increment()
            logger.warning("attempt failed; retrying later", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
            return .requeue(delay: delay)
        }
    }

    /// After the image is recorded: its unknown faces join groups. Never fails the image (it is done).
    private func groupUnknownFaces(of id: Int64, _ recognition: Recognition, logger: Logger) async {
        guard let grouping, recognition.faces.contains(where: { $0.personID == nil && !$0.descriptor.isEmpty }) else { return }
        do {
            let grouped = try await grouping.groupUnknownFaces(ofImage: id)
            groupingMetrics.grouped.increment(by: grouped)
            if grouped > 0 { logger.debug("unknown faces grouped", metadata: ["grouped": "\(grouped)"]) }
        } catch {
            groupingMetrics.failures.increment()
            logger.warning("grouping unknown faces failed; the sweeper's backfill will group them", metadata: ["error": "\(error)"])
        }
    }

    /// Gives a delivery back without processing it (breaker open).
    private func handBack(_ delivery: ImageDelivery, owner: String, delay: Duration, logger: Logger) async throws -> DeliveryOutcome {
        if delivery.claim != nil {
            try await repository.release(delivery.imageID, owner: owner, delay: delay, refundAttempt: true, error: nil)
        }
        requeued.increment()
        logger.debug("FaceRecognition unavailable (breaker open); requeueing", metadata: ["delay": "\(delay)"])
        return .requeue(delay: delay)
    }

    /// Runs `body` while extending the lease (and touching the delivery) every third of the lease.
    private func withLeaseKeptAlive<T: Sendable>(
        _ delivery: ImageDelivery, owner: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let interval = settings.lease / 3
        let repository = self.repository
        let lease = settings.lease
        let ownClaim = delivery.claim == nil
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while true {
                    try await Task.sleep(for: interval)
                    await delivery.touch()
                    if ownClaim { try? await repository.extendLease(delivery.imageID, owner: owner, lease: lease) }
                }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }
}

extension Duration {
    var nanosecondCount: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
