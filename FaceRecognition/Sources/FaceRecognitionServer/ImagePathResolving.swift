import ImageFiles

/// The seam between the gRPC handlers and the file system: turns a client's image path into a file the
/// service may read.
public protocol ImagePathResolving: Sendable {
    /// The real path of an existing regular file inside the image root.
    func resolve(_ path: String) throws(ImagePathError) -> String
}
