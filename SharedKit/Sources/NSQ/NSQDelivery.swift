/// One message handed to a consumer's handler.
public struct NSQDelivery: Sendable {
    public let message: NSQMessage
    /// The nsqd it came from.
    public let nsqdAddress: NSQAddress
    /// How long the handler has before nsqd redelivers it (extend with `touch`).
    public let msgTimeout: Duration
    /// Sends `TOUCH`, resetting the message's timeout.
    public let touch: @Sendable () async -> Void

    public init(message: NSQMessage, nsqdAddress: NSQAddress, msgTimeout: Duration, touch: @escaping @Sendable () async -> Void) {
        self.message = message
        self.nsqdAddress = nsqdAddress
        self.msgTimeout = msgTimeout
        self.touch = touch
    }
}

/// What to tell nsqd once the handler is done.
public enum NSQMessageOutcome: Sendable, Equatable {
    /// `FIN`.
    case finish
    /// `REQ <id> <delay>`; with `backoff` the consumer also slows down (see `requeueBackoff`).
    case requeue(delay: Duration, backoff: Bool = true)
}
