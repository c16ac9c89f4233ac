import FaceEngine
import Models

/// A known person as the gallery stores them.
public struct KnownPerson: Sendable, Hashable {
    public var id: Int64
    public var name: String
    /// `person_images.image_name` of every photo of the person, sorted.
    public var imageNames: [String]
    /// Gallery faces (descriptors) the person has.
    public var galleryFaces: Int

    public init(id: Int64, name: String, imageNames: [String], galleryFaces: Int) {
        self.id = id
        self.name = name
        self.imageNames = imageNames
        self.galleryFaces = galleryFaces
    }
}

/// What `GalleryStore.enroll` did.
public struct Enrollment: Sendable, Hashable {
    public var personID: Int64
    public var personCreated: Bool
    public var personImageID: Int64
    /// The file name the photo was stored under in the known-people folder.
    public var imageName: String
    public var facesDetected: Int
    public var facesEnrolled: Int
    public var box: FaceBox
}

/// What `GalleryStore.removePerson` removed.
public struct RemovedPerson: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var imagesRemoved: Int
    public var facesRemoved: Int
}

/// Which person to remove.
public enum PersonReference: Sendable, Hashable {
    case id(Int64)
    case name(String)
}

/// What one synchronisation with the database did.
public struct GallerySyncReport: Sendable, Equatable {
    /// Known photos (`person_images` rows with a person).
    public var knownImages = 0
    /// Descriptors computed (and stored) during this sync: new photos or changed files.
    public var descriptorsComputed = 0
    /// Photos that could not be used (missing file, no face, unreadable); retried when the file changes.
    public var unusableImages = 0
    public var facesAdded = 0
    public var facesRemoved = 0
    /// Gallery faces after the sync.
    public var galleryFaces = 0

    public init() {}
}

public enum GalleryStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidPersonName(String)
    case personNotFound(PersonReference)
    /// The photo shows no face, so there is nothing to enroll.
    case noFace
    /// The photo could not be analysed.
    case image(FaceEngineError)
    /// Writing the photo into the known-people folder failed.
    case storage(String)

    public var description: String {
        switch self {
        case .invalidPersonName(let reason): "invalid person name: \(reason)"
        case .personNotFound(.id(let id)): "no person with id \(id)"
        case .personNotFound(.name(let name)): "no person named \"\(name)\""
        case .noFace: "no face found in the photo: nothing to enroll"
        case .image(let error): error.description
        case .storage(let reason): "cannot store the photo: \(reason)"
        }
    }
}
