import Foundation
import Models

/// What the pages and the JSON API read. The MySQL implementation is the real one; the seam keeps the
/// routes independent of SQL.
public protocol FrontendStore: Sendable {
    /// One page of images, newest first, and how many match in total.
    func images(matching query: ImageQuery) async throws -> ImagePage
    /// An image with every probe face found in it, or nil when there is no such image.
    func image(id: Int64) async throws -> ImageDetail?
    /// Every known person with a face to show and the number of images they appear in.
    func people() async throws -> [PersonSummary]
    /// Every known person's id and name, by name (for the person filter).
    func personNames() async throws -> [PersonRef]
    /// A person by id, or nil.
    func person(id: Int64) async throws -> PersonRef?
    /// A person with their gallery faces and matched faces (`knownPeoplePrefix` locates gallery photos),
    /// or nil when there is no such person.
    func personDetail(id: Int64, knownPeoplePrefix: String) async throws -> PersonDetail?
    /// Counts per status and of people.
    func stats() async throws -> FrontendStats
    /// Whether the database answers right now (readiness).
    func isReachable() async -> Bool
}

/// Filters and page of the images list.
public struct ImageQuery: Sendable, Hashable {
    public var status: ImageStatus?
    public var personID: Int64?
    /// 1-based.
    public var page: Int
    public var perPage: Int

    public init(status: ImageStatus? = nil, personID: Int64? = nil, page: Int = 1, perPage: Int = 50) {
        self.status = status
        self.personID = personID
        self.page = page
        self.perPage = perPage
    }

    public var offset: Int { (page - 1) * perPage }
}

public struct ImagePage: Sendable {
    public var images: [ImageSummary]
    /// Matching rows over all pages.
    public var total: Int

    public init(images: [ImageSummary], total: Int) {
        self.images = images
        self.total = total
    }
}

/// A person's id and, when the row exists, name.
public struct PersonRef: Sendable, Hashable, Encodable {
    public var id: Int64
    public var name: String?

    public init(id: Int64, name: String?) {
        self.id = id
        self.name = name
    }

    /// What a page shows: the name, or the id when the person row is missing.
    public var displayName: String { name ?? "person #\(id)" }
}

/// One `images` row as listed.
public struct ImageSummary: Sendable, Hashable {
    public var id: Int64
    public var path: String
    public var person: PersonRef?
    /// The raw code; `status` is nil for a code this version does not know.
    public var statusCode: Int
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date?
    public var updatedAt: Date?
    /// Probe faces stored for the image.
    public var faceCount: Int

    public init(
        id: Int64, path: String, person: PersonRef?, statusCode: Int, attempts: Int, lastError: String?,
        createdAt: Date?, updatedAt: Date?, faceCount: Int
    ) {
        self.id = id
        self.path = path
        self.person = person
        self.statusCode = statusCode
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.faceCount = faceCount
    }

    public var status: ImageStatus? { ImageStatus(rawValue: statusCode) }
    public var statusLabel: String { status?.label ?? "Unknown (\(statusCode))" }
}

/// A probe face and its match.
public struct FaceMatch: Sendable, Hashable {
    public var id: Int64
    public var faceIndex: Int
    public var box: FaceBox
    /// Matched person; nil when unknown.
    public var person: PersonRef?
    public var distance: Double?

    public init(id: Int64, faceIndex: Int, box: FaceBox, person: PersonRef?, distance: Double?) {
        self.id = id
        self.faceIndex = faceIndex
        self.box = box
        self.person = person
        self.distance = distance
    }
}

public struct ImageDetail: Sendable {
    public var image: ImageSummary
    public var faces: [FaceMatch]

    public init(image: ImageSummary, faces: [FaceMatch]) {
        self.image = image
        self.faces = faces
    }
}

/// The gallery photo (under the known-people folder) and the face box to crop it to.
public struct GalleryFace: Sendable, Hashable {
    public var imageName: String
    /// Nil when the photo has no detected face yet: the whole photo is shown.
    public var box: FaceBox?
    /// For a gallery entry made by naming a face: the path of the image that face is in (its `image_name`
    /// is not a file then).
    public var sourcePath: String?

    public init(imageName: String, box: FaceBox?, sourcePath: String? = nil) {
        self.imageName = imageName
        self.box = box
        self.sourcePath = sourcePath
    }

    /// The photo under the image root.
    public func photoPath(knownPeoplePrefix: String) -> String {
        sourcePath ?? KnownPeople.path(imageName, prefix: knownPeoplePrefix)
    }
}

public struct PersonSummary: Sendable, Hashable {
    public var id: Int64
    public var name: String
    /// Distinct images whose best person is this one or that have a face matched to them.
    public var imageCount: Int
    public var galleryFace: GalleryFace?

    public init(id: Int64, name: String, imageCount: Int, galleryFace: GalleryFace?) {
        self.id = id
        self.name = name
        self.imageCount = imageCount
        self.galleryFace = galleryFace
    }
}

public struct FrontendStats: Sendable, Hashable {
    /// Images per known status (every status present, zero when none).
    public var counts: [ImageStatus: Int]
    /// Every image, including rows with a status code this version does not know.
    public var total: Int
    public var people: Int

    public init(counts: [ImageStatus: Int], total: Int, people: Int) {
        var complete: [ImageStatus: Int] = [:]
        for status in ImageStatus.allCases { complete[status] = counts[status] ?? 0 }
        self.counts = complete
        self.total = total
        self.people = people
    }

    public func count(_ status: ImageStatus) -> Int { counts[status] ?? 0 }

    /// Images the pipeline still has to finish: pages refresh themselves while this is not zero.
    public var inProgress: Int { count(.pending) + count(.processing) }
}
