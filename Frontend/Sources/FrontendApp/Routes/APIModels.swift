import Foundation
import Models

/// The JSON shapes of `/api/*` (snake_case keys, ISO 8601 dates).
enum APIModels {
    struct ImageItem: Encodable {
        var id: Int64
        var path: String
        var person: PersonRef?
        /// "pending", "processed", "failed", "processing" (or "unknown").
        var status: String
        var statusCode: Int
        var statusLabel: String
        var attempts: Int
        var lastError: String?
        var createdAt: Date?
        var updatedAt: Date?
        var faceCount: Int
        var url: String
        var fileUrl: String

        init(_ image: ImageSummary) {
            id = image.id
            path = image.path
            person = image.person
            status = image.status?.description ?? "unknown"
            statusCode = image.statusCode
            statusLabel = image.statusLabel
            attempts = image.attempts
            lastError = image.lastError
            createdAt = image.createdAt
            updatedAt = image.updatedAt
            faceCount = image.faceCount
            url = "/images/\(image.id)"
            fileUrl = URLPath.file(image.path)
        }
    }

    struct Filter: Encodable {
        var status: String?
        var person: Int64?
    }

    struct ImageList: Encodable {
        var images: [ImageItem]
        var page: Int
        var perPage: Int
        var pages: Int
        var total: Int
        var filter: Filter
    }

    struct FaceItem: Encodable {
        var id: Int64
        var faceIndex: Int
        var box: FaceBox
        var person: PersonRef?
        var distance: Double?
    }

    struct ImageDetail: Encodable {
        var image: ImageItem
        var faces: [FaceItem]
        /// Natural size of the photo when it could be read.
        var width: Int?
        var height: Int?
    }

    struct GalleryItem: Encodable {
        var imageName: String
        var fileUrl: String
        var box: FaceBox?
    }

    struct PersonItem: Encodable {
        var id: Int64
        var name: String
        var imageCount: Int
        var imagesUrl: String
        var face: GalleryItem?
    }

    struct People: Encodable {
        var people: [PersonItem]
    }

    struct Counts: Encodable {
        var pending: Int
        var processed: Int
        var failed: Int
        var processing: Int
    }

    struct Stats: Encodable {
        var counts: Counts
        var total: Int
        var inProgress: Int
        var people: Int

        init(_ stats: FrontendStats) {
            counts = Counts(
                pending: stats.count(.pending), processed: stats.count(.processed), failed: stats.count(.failed),
                processing: stats.count(.processing))
            total = stats.total
            inProgress = stats.inProgress
            people = stats.people
        }
    }

    struct ErrorBody: Encodable {
        var error: String
    }
}
