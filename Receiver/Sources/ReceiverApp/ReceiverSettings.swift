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

    public init(maxBodyBytes: Int = 1 << 20, maxBatchPaths: Int = 1000, maxUploadBytes: Int = 20 << 20, apiToken: String? = nil) {
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchPaths = maxBatchPaths
        self.maxUploadBytes = maxUploadBytes
        self.apiToken = apiToken
    }
}
