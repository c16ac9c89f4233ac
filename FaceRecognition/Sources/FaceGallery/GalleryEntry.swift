import Models
/// What the gallery knows about one known face besides its descriptor.
public struct GalleryEntry: Sendable, Hashable {
    /// `faces.id` (0 for faces that are not stored, e.g. in benchmarks).
    public var faceID: Int64
    public var personID: Int64
    public var personName: String
    /// `person_images.id` of the photo the face comes from.
    public var personImageID: Int64
    /// `person_images.image_name`: the file name in the known-people folder (v1 Identify answers this).
    public var imageName: String

    public init(faceID: Int64, personID: Int64, personName: String, personImageID: Int64, imageName: String) {
        self.faceID = faceID
        self.personID = personID
        self.personName = personName
        self.personImageID = personImageID
        self.imageName = imageName
    }
}

/// A known face to add to the gallery.
public struct GalleryFace: Sendable, Hashable {
    public var entry: GalleryEntry
    public var descriptor: FaceDescriptor

    public init(entry: GalleryEntry, descriptor: FaceDescriptor) {
        self.entry = entry
        self.descriptor = descriptor
    }
}
