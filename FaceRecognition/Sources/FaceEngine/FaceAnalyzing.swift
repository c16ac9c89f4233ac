/// The seam between the service and the engine: analyse one photo.
public protocol FaceAnalyzing: Sendable {
    /// Reads and analyses the image file at `path` (JPEG or PNG).
    func analyze(imageAt path: String) async throws(FaceEngineError) -> FaceAnalysis
    /// Analyses encoded JPEG or PNG bytes.
    func analyze(imageData: [UInt8]) async throws(FaceEngineError) -> FaceAnalysis
}
