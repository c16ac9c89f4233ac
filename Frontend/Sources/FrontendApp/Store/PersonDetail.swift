import Models

/// A person with every face the system holds for them: gallery faces (their enrolled or named photos)
/// and faces in processed images matched to them.
public struct PersonDetail: Sendable {
    public var person: PersonRef
    public var faces: [PersonFace]

    public init(person: PersonRef, faces: [PersonFace]) {
        self.person = person
        self.faces = faces
    }
}

public struct PersonFace: Sendable, Hashable {
    public var faceID: Int64
    /// The image the face was found in; nil for a gallery photo's face.
    public var imageID: Int64?
    /// The photo under the image root (`images.path`, or the known-people folder + `image_name`).
    public var photoPath: String
    public var box: FaceBox
    public var distance: Double?

    public init(faceID: Int64, imageID: Int64?, photoPath: String, box: FaceBox, distance: Double?) {
        self.faceID = faceID
        self.imageID = imageID
        self.photoPath = photoPath
        self.box = box
        self.distance = distance
    }

    public var isGallery: Bool { imageID == nil }
}
