/// Processing state of an image. The integer codes are the Go sample's, so rows written by either
/// implementation stay readable by the other.
public enum ImageStatus: Int, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case pending = 0
    case processed = 1
    case failed = 2
    case processing = 3

    /// The word the sample's frontend shows.
    public var label: String {
        switch self {
        case .pending: "Pending"
        case .processed: "Processed"
        case .failed: "Failed"
        case .processing: "Processing"
        }
    }

    public var description: String { label.lowercased() }

    /// Parses either the integer code or the (case-insensitive) word.
    public init?(parsing text: String) {
        if let code = Int(text), let status = ImageStatus(rawValue: code) {
            self = status
            return
        }
        guard let status = ImageStatus.allCases.first(where: { $0.label.lowercased() == text.lowercased() }) else {
            return nil
        }
        self = status
    }
}
