/// Why a client-supplied image path was refused. The description is safe to return to the client.
public enum ImagePathError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(bytes: Int, limit: Int)
    case nulByte
    case controlCharacter
    case absolute
    case parentTraversal
    case nonCanonical
    case unsupportedExtension(String)
    case escapesRoot
    case notFound
    case notAFile

    public var description: String {
        switch self {
        case .empty: "path is empty"
        case .tooLong(let bytes, let limit): "path is \(bytes) bytes long; the limit is \(limit)"
        case .nulByte: "path contains a NUL byte"
        case .controlCharacter: "path contains a control character"
        case .absolute: "path must be relative to the image root, not absolute"
        case .parentTraversal: "path must not contain '..' segments"
        case .nonCanonical: "path must not contain empty or '.' segments"
        case .unsupportedExtension(let ext):
            "unsupported file type '\(ext)'; supported: \(ImageRoot.supportedExtensions.joined(separator: ", "))"
        case .escapesRoot: "path leaves the image root (through a symbolic link)"
        case .notFound: "no such file under the image root"
        case .notAFile: "path is not a regular file"
        }
    }

    /// Short machine-readable code for API responses.
    public var code: String {
        switch self {
        case .empty: "empty"
        case .tooLong: "too_long"
        case .nulByte: "nul_byte"
        case .controlCharacter: "control_character"
        case .absolute: "absolute"
        case .parentTraversal: "parent_traversal"
        case .nonCanonical: "non_canonical"
        case .unsupportedExtension: "unsupported_extension"
        case .escapesRoot: "escapes_root"
        case .notFound: "not_found"
        case .notAFile: "not_a_file"
        }
    }
}
