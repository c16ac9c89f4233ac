import Foundation
import ImageFiles
import Models

/// What `ImageTemplate` renders.
struct ImagePageView {
    struct BestPerson {
        var personHref: String
        var personName: String
    }

    struct Failure {
        var failureAttempts: Int
        var failureMessage: String?
    }

    struct Box {
        var faceID: Int64
        var faceIndex: Int
        var known: Bool
        var left: Int
        var top: Int
        var right: Int
        var bottom: Int
        /// Percent position; empty when the photo's size is unknown (app.js places the box then).
        var style: String
        var label: String
    }

    struct Photo {
        var fileURL: String
        var altText: String
        var hasSize: Bool
        var naturalWidth: String
        var naturalHeight: String
        var boxes: [Box]
        var caption: String
    }

    struct FaceRow {
        var faceID: Int64
        var faceIndex: Int
        /// Unknown faces get a name form.
        var unknown: Bool
        var faceHref: String?
        var faceName: String
        var distanceText: String
        var boxText: String
    }

    var pageTitle: String
    var pollURL: String?
    var pollKey: String
    var navImages = true
    var navPeople = false
    var chrome: PageChrome? = nil
    /// Every person's name, for the name boxes' suggestions.
    var personNames: [String] = []

    var imageID: Int64
    var imagePath: String
    var statusKey: String
    var statusLabel: String
    var bestPerson: BestPerson?
    var faceCount: Int
    var attempts: Int
    var createdText: String?
    var updatedText: String?
    var failure: Failure?
    var pendingError: String?
    var photo: Photo?
    var missingFile: String?
    var faces: [FaceRow]
    var noFacesText: String

    init(detail: ImageDetail, file: Result<ServableImageFile, ImagePathError>, dimensions: ImageDimensions?) {
        let image = detail.image
        pageTitle = "Image \(image.id)"
        let status = image.status
        // Poll while the pipeline may still change this image.
        pollURL = (status == .pending || status == .processing) ? "/api/images/\(image.id)" : nil
        pollKey = status?.description ?? "unknown"
        imageID = image.id
        imagePath = image.path
        statusKey = status?.description ?? "unknown"
        statusLabel = image.statusLabel
        bestPerson = image.person.map { BestPerson(personHref: "/?person=\($0.id)", personName: $0.displayName) }
        faceCount = detail.faces.count
        attempts = image.attempts
        createdText = image.createdAt.map(Self.format)
        updatedText = image.updatedAt.map(Self.format)
        failure = status == .failed ? Failure(failureAttempts: image.attempts, failureMessage: image.lastError) : nil
        pendingError = status != .failed && status != .processed ? image.lastError : nil
        let boxes = detail.faces.map { face in
            Box(
                faceID: face.id, faceIndex: face.faceIndex, known: face.person != nil, left: face.box.left, top: face.box.top,
                right: face.box.right, bottom: face.box.bottom,
                style: dimensions.map { Self.percentStyle(face.box, $0) } ?? "", label: Self.label(face))
        }
        switch file {
        case .success(let located):
            photo = Photo(
                fileURL: URLPath.file(image.path), altText: "Photo \(image.path)", hasSize: dimensions != nil,
                naturalWidth: dimensions.map { String($0.width) } ?? "",
                naturalHeight: dimensions.map { String($0.height) } ?? "", boxes: boxes,
                caption: dimensions.map { "\($0.width) × \($0.height) px, \(Self.byteCount(located.size))" }
                    ?? "\(Self.byteCount(located.size)); size unknown (no JPEG/PNG header found)")
            missingFile = nil
        case .failure(let error):
            photo = nil
            missingFile = error.description
        }
        faces = detail.faces.map { face in
            FaceRow(
                faceID: face.id, faceIndex: face.faceIndex, unknown: face.person == nil,
                faceHref: face.person.map { "/people/\($0.id)" },
                faceName: face.person?.displayName ?? "unknown",
                distanceText: face.distance.map { String(format: "%.3f", $0) } ?? "—",
                boxText: "\(face.box.left), \(face.box.top), \(face.box.right), \(face.box.bottom)")
        }
        noFacesText = switch status {
        case .processed: "No faces were found in this photo."
        case .failed: "No faces: processing failed."
        default: "Not processed yet."
        }
    }

    /// "Alice 0.42" or "unknown".
    static func label(_ face: FaceMatch) -> String {
        let name = face.person?.displayName ?? "unknown"
        guard let distance = face.distance else { return name }
        return "\(name) \(String(format: "%.2f", distance))"
    }

    /// Box position as percentages of the photo, clamped to it (detectors may overhang the edges).
    static func percentStyle(_ box: FaceBox, _ size: ImageDimensions) -> String {
        let w = Double(size.width), h = Double(size.height)
        let left = min(max(0, Double(box.left)), w), top = min(max(0, Double(box.top)), h)
        let right = min(max(left, Double(box.right)), w), bottom = min(max(top, Double(box.bottom)), h)
        func pct(_ value: Double) -> String { String(format: "%.3f%%", value * 100) }
        return "left:\(pct(left / w));top:\(pct(top / h));width:\(pct((right - left) / w));height:\(pct((bottom - top) / h))"
    }

    static func format(_ date: Date) -> String {
        date.ISO8601Format(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon)) + " UTC"
    }

    static func byteCount(_ bytes: Int64) -> String {
        bytes < 1024 ? "\(bytes) bytes" : bytes < 1024 * 1024 ? "\(bytes / 1024) KiB" : String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
