import Foundation
import ImageFiles

/// Client paths under one image root, by SharedKit's `ImageRoot` rules (the same as the Receiver's):
/// relative to the root (the sample's clients send `unknown_people/x.jpg`) or absolute inside it; no
/// `..`, NUL or control characters, a JPEG/PNG extension, and still inside the root once symbolic links
/// are followed.
public struct ImageRootResolver: ImagePathResolving {
    public let root: ImageRoot

    /// Fails when the root folder does not exist (a configuration error better reported at start).
    public init(root path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ImageRootMissing(path: path)
        }
        root = ImageRoot(path: path)
    }

    public func resolve(_ path: String) throws(ImagePathError) -> String {
        try root.resolve(path, allowAbsoluteInsideRoot: true)
    }
}

public struct ImageRootMissing: Error, CustomStringConvertible {
    public var path: String
    public var description: String { "the image root \(path) does not exist or is not a folder (--image-root / IMAGE_ROOT)" }
}
