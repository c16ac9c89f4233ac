import Metrics

/// The client's swift-metrics counters, labelled by topic (and channel for consumers).
struct NSQMetrics: Sendable {
    let published: Counter
    let publishErrors: Counter
    let received: Counter
    let finished: Counter
    let requeued: Counter

    init(topic: String, channel: String? = nil) {
        var dimensions = [("topic", topic)]
        if let channel { dimensions.append(("channel", channel)) }
        published = Counter(label: "nsq_messages_published_total", dimensions: dimensions)
        publishErrors = Counter(label: "nsq_publish_errors_total", dimensions: dimensions)
        received = Counter(label: "nsq_messages_received_total", dimensions: dimensions)
        finished = Counter(label: "nsq_messages_finished_total", dimensions: dimensions)
        requeued = Counter(label: "nsq_messages_requeued_total", dimensions: dimensions)
    }
}
