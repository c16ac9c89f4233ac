/// Why an analysis failed. Every case has a readable `description`; `category` says how a service should
/// report it (gRPC: notFound → NOT_FOUND, invalidInput → INVALID_ARGUMENT, resourceExhausted →
/// RESOURCE_EXHAUSTED, unavailable → UNAVAILABLE, internal → INTERNAL).
public enum FaceEngineError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileNotFound(path: String)
    /// Exists but cannot be read (permissions, a directory, an I/O error).
    case unreadable(path: String, reason: String)
    case emptyFile
    case fileTooLarge(bytes: Int, limit: Int)
    /// Neither a JPEG nor a PNG signature (text, random bytes).
    case notAnImage
    /// An image format the engine does not decode (GIF, WebP, BMP, TIFF, HEIC).
    case unsupportedFormat(String)
    /// JPEG/PNG signature but broken or truncated data.
    case corrupt(String)
    /// The header claims more pixels than allowed; refused before decoding (pixel bomb).
    case tooLarge(pixels: Int, limit: Int)
    /// Model files missing or unreadable when the engine starts.
    case modelsUnavailable(String)
    case invalidArgument(String)
    /// The engine was shut down.
    case shutDown
    case internalFailure(String)

    public enum Category: Sendable, Equatable {
        case notFound, invalidInput, resourceExhausted, unavailable, `internal`
    }

    public var category: Category {
        switch self {
        case .fileNotFound: .notFound
        case .emptyFile, .notAnImage, .unsupportedFormat, .corrupt, .invalidArgument: .invalidInput
        case .fileTooLarge, .tooLarge: .resourceExhausted
        case .shutDown, .modelsUnavailable: .unavailable
        case .unreadable, .internalFailure: .internal
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path): "image file not found: \(path)"
        case .unreadable(let path, let reason): "cannot read image file \(path): \(reason)"
        case .emptyFile: "the image file is empty (0 bytes)"
        case .fileTooLarge(let bytes, let limit): "the image file is too large: \(bytes) bytes, limit \(limit)"
        case .notAnImage: "not an image: the data is neither JPEG nor PNG"
        case .unsupportedFormat(let format): "unsupported image format \(format): only JPEG and PNG are accepted"
        case .corrupt(let reason): "corrupt image: \(reason)"
        case .tooLarge(let pixels, let limit): "the image is too large: \(pixels) pixels, limit \(limit)"
        case .modelsUnavailable(let reason): "face models unavailable: \(reason)"
        case .invalidArgument(let reason): "invalid argument: \(reason)"
        case .shutDown: "the face engine is shut down"
        case .internalFailure(let reason): "face engine failure: \(reason)"
        }
    }
}
