/// The image formats the pipeline accepts, recognised by their first bytes, never by a client's claim.
public enum ImageKind: String, Sendable {
    case jpeg
    case png

    public var fileExtension: String { self == .jpeg ? "jpg" : "png" }

    /// JPEG: FF D8 FF. PNG: the 8-byte signature 89 'P' 'N' 'G' CR LF 1A LF.
    public init?(sniffing bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(8))
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF {
            self = .jpeg
        } else if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
            self = .png
        } else {
            return nil
        }
    }
}
