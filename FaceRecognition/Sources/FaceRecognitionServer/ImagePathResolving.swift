import Foundation

/// Why a client's image path was refused.
public enum ImagePathError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case invalid(String)
    /// `..`, an absolute path outside the root, or a symlink pointing out of it.
    case outsideRoot(String)
    case notFound(String)
    case notARegularFile(String)

    public var description: String {
        switch self {
        case .empty: "the image path is empty"
        case .invalid(let reason): "invalid image path: \(reason)"
        case .outsideRoot(let path): "image path \"\(path)\" is outside the image root"
        case .notFound(let path): "image not found: \(path)"
        case .notARegularFile(let path): "not a regular file: \(path)"
        }
    }
}

/// The seam between the gRPC handlers and the file system: turns a client's image path into a file the
/// service may read.
public protocol ImagePathResolving: Sendable {
    /// The real path of an existing regular file inside the image root.
    func resolve(_ path: String) throws(ImagePathError) -> String
}
