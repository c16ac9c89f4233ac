import Foundation
import ImageFiles
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A file under the image root that passed `ImageRoot`'s rules, with what caching needs.
public struct ServableImageFile: Sendable {
    /// Absolute path with symbolic links resolved (inside the root).
    public var path: String
    public var size: Int64
    public var modified: Date
    public var contentType: String

    /// Strong validator from size and modification time (nanoseconds): changes whenever the file does.
    public var eTag: String {
        "\"\(String(size, radix: 16))-\(String(Int64(modified.timeIntervalSince1970 * 1_000_000_000), radix: 16))\""
    }
}

/// Resolves client paths against the image root off the caller's thread: `realpath`/`stat` block.
public struct ImageFileLocator: Sendable {
    public let root: ImageRoot
    let threadPool: NIOThreadPool

    public init(root: ImageRoot, threadPool: NIOThreadPool = .singleton) {
        self.root = root
        self.threadPool = threadPool
    }

    /// The file for a relative path, or the `ImagePathError` explaining the refusal.
    public func locate(_ relativePath: String) async -> Result<ServableImageFile, ImagePathError> {
        let root = self.root
        do {
            return try await threadPool.runIfActive { Self.locateBlocking(relativePath, root: root) }
        } catch {
            return .failure(.notFound)
        }
    }

    /// Size of a JPEG/PNG from its first bytes (the frame header sits before the image data).
    public func dimensions(of file: ServableImageFile) async -> ImageDimensions? {
        let path = file.path
        return try? await threadPool.runIfActive { () -> ImageDimensions? in
            guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
            defer { try? handle.close() }
            // EXIF blocks before the frame header can be up to 64 KiB each; a few of them fit in 512 KiB.
            guard let data = try handle.read(upToCount: 512 * 1024) else { return nil }
            return ImageDimensions(header: [UInt8](data))
        }
    }

    static func locateBlocking(_ relativePath: String, root: ImageRoot) -> Result<ServableImageFile, ImagePathError> {
        let resolved: String
        do {
            resolved = try root.resolve(relativePath)
        } catch {
            return .failure(error)
        }
        var info = stat()
        guard stat(resolved, &info) == 0 else { return .failure(.notFound) }
        let modified = Date(
            timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec) + TimeInterval(info.st_mtim.tv_nsec) / 1_000_000_000)
        let ext = (relativePath as NSString).pathExtension.lowercased()
        let contentType = ext == "png" ? "image/png" : "image/jpeg"
        return .success(ServableImageFile(path: resolved, size: Int64(info.st_size), modified: modified, contentType: contentType))
    }
}

extension ImagePathError {
    /// 404 for a file that is not there, 400 for a path that is not acceptable at all.
    var isMissingFile: Bool { self == .notFound || self == .notAFile }
}

/// Percent-encodes each segment of a relative path for use in a URL (`a b/c#1.jpg` → `a%20b/c%231.jpg`).
public enum URLPath {
    static let segmentAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        set.insert(charactersIn: "-._~!$&+,=:@")
        return set
    }()

    public static func encode(_ relativePath: String) -> String {
        relativePath.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? "" }
            .joined(separator: "/")
    }

    /// `/files/<encoded path>`.
    public static func file(_ relativePath: String) -> String { "/files/" + encode(relativePath) }
}
