/// The seam between the Receiver (which announces new image ids) and the ImageProcessor (which
/// consumes them). Two real implementations: NSQ (clusters) and the MySQL images table (one machine).
///
/// Delivery is at least once: a consumer may see an id twice, so processing claims the image row
/// atomically before doing work.

/// Announces image ids whose rows are already committed as pending.
public protocol ImagePublisher: Sendable {
    /// Publishes the ids (one NSQ `MPUB` for several). Throws when the queue did not accept them; the rows
    /// stay pending and the sweeper re-announces them, so a failure here loses nothing.
    func publish(_ ids: [Int64]) async throws
}

/// What the handler decided about one delivery.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Done with this id (processed, failed for good, or not ours to process): acknowledge it.
    case finished
    /// Deliver again after the delay (NSQ `REQ <id> <ms>`; MySQL: pending again, due after the delay).
    case requeue(delay: Duration)
}

/// A lease the queue already took on the image row while delivering it (the MySQL queue claims as it
/// delivers; NSQ deliveries carry none and the processor claims the row itself).
public struct ImageClaim: Sendable, Equatable {
    public var owner: String
    public init(owner: String) { self.owner = owner }
}

/// One id handed to the handler.
public struct ImageDelivery: Sendable {
    public let imageID: Int64
    /// How many times the queue has delivered this id, this one included (NSQ's `attempts`).
    public let deliveryAttempt: Int
    public let claim: ImageClaim?
    /// Extends the delivery's deadline for long work (NSQ `TOUCH`; MySQL: extends the lease).
    public let touch: @Sendable () async -> Void

    public init(imageID: Int64, deliveryAttempt: Int, claim: ImageClaim?, touch: @escaping @Sendable () async -> Void) {
        self.imageID = imageID
        self.deliveryAttempt = deliveryAttempt
        self.claim = claim
        self.touch = touch
    }
}

/// Receives ids and runs a handler for each, at most `maxInFlight` at once.
public protocol ImageQueueConsumer: Sendable {
    /// Runs until `beginShutdown()` is called (or the task is cancelled), then stops taking new work
    /// (NSQ: `RDY 0`, `CLS`), waits for in-flight handlers to finish and their outcomes to be sent, and returns.
    func run(handler: @escaping @Sendable (ImageDelivery) async -> DeliveryOutcome) async throws
    /// Starts the graceful stop; `run` returns once in-flight work is settled.
    func beginShutdown()
}

/// The 8-byte little-endian image id message body, compatible with the Go sample's producers/consumers.
public enum ImageIDMessage {
    public static func encode(_ id: Int64) -> [UInt8] {
        let value = UInt64(bitPattern: id)
        return (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    public static func decode(_ bytes: some Collection<UInt8>) -> Int64? {
        guard bytes.count == 8 else { return nil }
        var value: UInt64 = 0
        for (i, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        return Int64(bitPattern: value)
    }
}
