/// Limits and switches of the HTTP API (all set from flags/env by the `receiver` executable).
public struct ReceiverSettings: Sendable {
    /// Largest JSON body accepted (413 above).
    public var maxBodyBytes: Int
    /// Most paths in one `POST /images/post` (413 above).
    public var maxBatchPaths: Int
    /// Largest uploaded image (413 above).
    public var maxUploadBytes: Int
    /// When set, every write needs `Authorization: Bearer <token>`.
    public var apiToken: String?
    /// Most concurrent single-path requests stored and published together (group commit); 1 turns
    /// coalescing off.
    public var maxCoalescedRequests: Int
    /// How long a batch formed while another is being stored may wait to fill (zero: not at all).
    /// A request arriving when nothing is in flight never waits.
    public var coalescingWindow: Duration
    /// Coalesced batches stored concurrently; a path always uses the same lane.
    public var coalescingLanes: Int
    /// Most answered coalesced batches per lane whose publishes run at once; the next batch is answered
    /// only when the lane's oldest publish has ended (back-pressure from a slow queue).
    public var coalescedPublishesInFlight: Int

    public init(
        maxBodyBytes: Int = 1 << 20, maxBatchPaths: Int = 1000, maxUploadBytes: Int = 20 << 20, apiToken: String? = nil,
        maxCoalescedRequests: Int = 256, coalescingWindow: Duration = .zero, coalescingLanes: Int = 2,
        coalescedPublishesInFlight: Int = 4
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchPaths = maxBatchPaths
        self.maxUploadBytes = maxUploadBytes
        self.apiToken = apiToken
        self.maxCoalescedRequests = maxCoalescedRequests
        self.coalescingWindow = coalescingWindow
        self.coalescingLanes = coalescingLanes
        self.coalescedPublishesInFlight = coalescedPublishesInFlight
    }
}
