import Models
import PeopleLibrary

/// The JSON shapes of the people-management API (snake_case keys like the rest of `/api/*`).
extension APIModels {
    struct Suggestions: Encodable {
        struct Item: Encodable {
            var id: Int64
            var name: String
        }

        var people: [Item]
    }

    struct GroupItem: Encodable {
        struct Sample: Encodable {
            var faceId: Int64
            var imageId: Int64
            var imagePath: String
            var fileUrl: String
            var box: FaceBox
        }

        var id: Int64
        var faceCount: Int
        var samples: [Sample]

        init(_ group: UnnamedGroup) {
            id = group.id
            faceCount = group.faceCount
            samples = group.samples.map {
                Sample(faceId: $0.faceID, imageId: $0.imageID, imagePath: $0.imagePath, fileUrl: URLPath.file($0.imagePath), box: $0.box)
            }
        }
    }

    struct Groups: Encodable {
        var groups: [GroupItem]
        var total: Int
        var limit: Int
        var offset: Int
    }

    struct Enrollment: Encodable {
        struct Photo: Encodable {
            var filename: String
            /// "enrolled", or why not: "no_face", "not_an_image", "too_large", "unavailable", "failed".
            var status: String
            var message: String
            var facesDetected: Int?
            var imageName: String?
            var box: FaceBox?
        }

        var personId: Int64?
        var personName: String
        var personCreated: Bool
        var enrolled: Int
        var photos: [Photo]
        /// Set when no photo was enrolled, so every error answer has `error`.
        var error: String?

        init(_ report: EnrollmentReport) {
            personId = report.personID
            personName = report.personName
            personCreated = report.personCreated
            enrolled = report.enrolledCount
            photos = report.photos.map { photo in
                Photo(
                    filename: photo.filename, status: photo.error.map(Self.code) ?? "enrolled", message: photo.message,
                    facesDetected: photo.enrolled?.facesDetected, imageName: photo.enrolled?.imageName, box: photo.enrolled?.box)
            }
            error = report.enrolledCount == 0 ? report.summary : nil
        }

        static func code(_ error: EnrollmentError) -> String {
            switch error {
            case .noFace: "no_face"
            case .notAnImage: "not_an_image"
            case .tooLarge: "too_large"
            case .invalidName: "invalid_name"
            case .unavailable: "unavailable"
            case .failed: "failed"
            }
        }
    }

    struct FaceRemoved: Encodable {
        var personId: Int64
        var faceId: Int64
        var removed = true
    }

    struct PersonDeleted: Encodable {
        var id: Int64
        var facesUnknown: Int
        var deleted = true
    }
}
