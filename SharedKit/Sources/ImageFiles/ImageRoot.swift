import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The folder every image path is relative to. The same rules everywhere a path arrives from outside
/// (Receiver, FaceRecognition, Frontend): relative, canonical, no `..`, no NUL or control characters,
/// at most 255 bytes, a supported extension, and, when resolved, still inside the root after
/// following symbolic links.
public struct ImageRoot: Sendable {
    public static let supportedExtensions = ["jpg", "jpeg", "png"]
    public static let maxPathBytes = 255

    /// The root as given, and with symbolic links resolved.
    public let path: String
    public let realPath: String

    public init(path: String) {
        self.path = path
        self.realPath = Self.realpath(path) ?? (path as NSString).standardizingPath
    }

    /// Checks a client path without touching the file system; returns it unchanged when valid.
    @discardableResult
    public static func validate(relativePath path: String) throws(ImagePathError) -> String {
        if path.isEmpty { throw .empty }
        let bytes = path.utf8.count
        if bytes > maxPathBytes { throw .tooLong(bytes: bytes, limit: maxPathBytes) }
        if path.utf8.contains(0) { throw .nulByte }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { throw .controlCharacter }
        if path.hasPrefix("/") { throw .absolute }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if segments.contains("..") { throw .parentTraversal }
        if segments.contains(where: { $0.isEmpty || $0 == "." }) { throw .nonCanonical }
        let name = segments.last.map(String.init) ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            throw .unsupportedExtension("")
        }
        let ext = name[name.index(after: dot)...].lowercased()
        if !supportedExtensions.contains(ext) { throw .unsupportedExtension(ext) }
        return path
    }

    /// Turns a client path into an absolute file path inside the root and checks the file is there.
    /// With `allowAbsoluteInsideRoot`, an absolute path is accepted when it lies under the root
    /// (FaceRecognition's v2 API); the Receiver stores relative paths only.
    public func resolve(_ clientPath: String, allowAbsoluteInsideRoot: Bool = false) throws(ImagePathError) -> String {
        var relative = clientPath
        if allowAbsoluteInsideRoot, clientPath.hasPrefix("/") {
            for prefix in [path, realPath] {
                let withSlash = prefix.hasSuffix("/") ? prefix : prefix + "/"
                if clientPath.hasPrefix(withSlash) {
                    relative = String(clientPath.dropFirst(withSlash.count))
                    break
                }
            }
            if relative.hasPrefix("/") { throw .escapesRoot }
        }
        try Self.validate(relativePath: relative)
        let joined = realPath + "/" + relative
        guard let resolved = Self.realpath(joined) else {
            throw .notFound
        }
        guard resolved.hasPrefix(realPath + "/") else { throw .escapesRoot }
        var info = stat()
        guard stat(resolved, &info) == 0 else { throw .notFound }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notAFile }
        return resolved
    }

    static func realpath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
