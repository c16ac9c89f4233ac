import NIOCore

extension Duration {
    /// Whole milliseconds, as the protocol's time fields want them.
    package var nsqMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    package var timeAmount: TimeAmount { TimeAmount(self) }
}
