import Foundation

/// Resolves client paths under one image root. Accepts a path relative to the root (the sample's
/// clients send `unknown_people/x.jpg`) or an absolute path inside it; refuses `..` components, NUL
/// bytes, absolute paths elsewhere, and symlinks whose target is outside the root.
public struct ImageRootResolver: ImagePathResolving {
    /// The root with symlinks resolved.
    public let root: String

    public init(root: String) throws(ImagePathError) {
        guard let resolved = Self.realPath(root) else { throw .notFound(root) }
        self.root = resolved
    }

    public func resolve(_ path: String) throws(ImagePathError) -> String {
        guard !path.isEmpty else { throw .empty }
        guard !path.utf8.contains(0) else { throw .invalid("contains a NUL byte") }
        guard path.utf8.count <= 4096 else { throw .invalid("longer than 4096 bytes") }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.contains("..") else { throw .outsideRoot(path) }
        let joined: String
        if path.hasPrefix("/") {
            guard path == root || path.hasPrefix(root == "/" ? "/" : root + "/") else { throw .outsideRoot(path) }
            joined = path
        } else {
            joined = root + "/" + components.joined(separator: "/")
        }
        guard let real = Self.realPath(joined) else { throw .notFound(path) }
        // A symlink anywhere on the way may point elsewhere: judge where the file really is.
        guard real.hasPrefix(root == "/" ? "/" : root + "/") else { throw .outsideRoot(path) }
        var status = stat()
        guard stat(real, &status) == 0 else { throw .notFound(path) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile(path) }
        return real
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
