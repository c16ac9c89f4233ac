import FaceRecognitionAPI
import GRPCCore
import Logging

/// The sample's `facerecog.Identify`: the file name of the known photo that best matches a face in the
/// image, or "not_found" (also when the image shows no face). Bad input is an error status, as in v2.
public struct IdentifyServiceV1: Facerecog_Identify.SimpleServiceProtocol {
    /// The sample's answer when no known person matches.
    public static let notFound = "not_found"

    private let recognizer: Recognizer
    private let logger: Logger

    public init(recognizer: Recognizer, logger: Logger) {
        self.recognizer = recognizer
        self.logger = logger
    }

    public func identify(request: Facerecog_IdentifyRequest, context: ServerContext) async throws -> Facerecog_IdentifyResponse {
        var logger = logger
        logger[metadataKey: "image_path"] = "\(request.imagePath)"
        logger[metadataKey: "rpc"] = "facerecog.Identify/Identify"
        do {
            let recognition = try await recognizer.recognize(.path(request.imagePath), logger: logger)
            var response = Facerecog_IdentifyResponse()
            response.imageName = recognition.bestMatch?.entry.imageName ?? Self.notFound
            logger.info(
                "identified",
                metadata: [
                    "faces": "\(recognition.faces.count)", "image_name": "\(response.imageName)",
                    "distance": "\(recognition.bestMatch.map { "\($0.distance)" } ?? "-")",
                ])
            return response
        } catch {
            logger.notice("identify failed", metadata: ["code": "\(error.code)", "error": "\(error.message)"])
            throw error
        }
    }
}
