/// The seam between the service and the engine: analyse one photo.
public protocol FaceAnalyzing: Sendable {
    /// Reads and analyses the image file at `path` (JPEG or PNG).
    func analyze(imageAt path: String) async throws(FaceEngineError) -> FaceAnalysis
    /// Analyses encoded JPEG or PNG bytes.
    func analyze(imageData: [UInt8]) async throws(FaceEngineError) -> FaceAnalysis
    /// Which pipeline the descriptors come from (`FaceEngineConfiguration.descriptorVersion`): descriptors
    /// of different versions are not compared, stored ones of another version are recomputed.
    var descriptorVersion: Int { get }
}

extension FaceAnalyzing {
    /// Version 1: the sample's descriptors (plain aligned chip).
    public var descriptorVersion: Int { 1 }
}
