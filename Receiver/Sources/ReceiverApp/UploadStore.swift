import Foundation
import NIOPosix

/// Writes uploaded images under `<image root>/uploads/<sha256>.<ext>`: the name is the content hash,
/// so the same bytes uploaded twice are one file and one image row. Written to a temporary file in
/// the same folder and renamed, so a reader never sees half a file.
public struct UploadStore: Sendable {
    public let root: String
    public static let folder = "uploads"

    public init(root: String) { self.root = root }

    /// Stores the bytes (blocking file I/O on NIO's thread pool) and returns the path relative to the root.
    public func save(_ bytes: [UInt8], kind: ImageKind) async throws -> String {
        let root = self.root
        return try await NIOThreadPool.singleton.runIfActive {
            let name = "\(SHA256.hex(bytes)).\(kind.fileExtension)"
            let folder = root + "/" + Self.folder
            let relative = Self.folder + "/" + name
            let final = folder + "/" + name
            let files = FileManager.default
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if files.fileExists(atPath: final) { return relative }
            let temporary = folder + "/.upload-\(UUID().uuidString)"
            guard files.createFile(atPath: temporary, contents: Data(bytes)) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
            }
            if rename(temporary, final) != 0 {
                let code = errno
                try? files.removeItem(atPath: temporary)
                throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
            }
            return relative
        }
    }
}
