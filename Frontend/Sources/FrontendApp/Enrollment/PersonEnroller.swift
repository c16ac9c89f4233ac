import Models

/// Adds a photo's largest face to a person's gallery (FaceRecognition's v2 `Enroll`). The seam keeps the
/// routes independent of gRPC.
public protocol PersonEnroller: Sendable {
    /// Enrolls the largest face of `photo` (JPEG/PNG bytes) as `personName` (created when new).
    func enroll(personName: String, photo: [UInt8]) async throws(EnrollmentError) -> EnrolledPhoto
}

/// What one enrolled photo gave.
public struct EnrolledPhoto: Sendable, Hashable {
    public var personID: Int64
    public var personCreated: Bool
    /// The file name FaceRecognition stored the photo under in the known-people folder.
    public var imageName: String
    public var facesDetected: Int
    public var box: FaceBox?

    public init(personID: Int64, personCreated: Bool, imageName: String, facesDetected: Int, box: FaceBox?) {
        self.personID = personID
        self.personCreated = personCreated
        self.imageName = imageName
        self.facesDetected = facesDetected
        self.box = box
    }
}

/// Why a photo was not enrolled, with a message for the user.
public enum EnrollmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The detector found no face.
    case noFace(String)
    /// Not a JPEG/PNG, or one that cannot be decoded.
    case notAnImage(String)
    case tooLarge(String)
    case invalidName(String)
    /// FaceRecognition cannot be reached (or is not ready): try again later.
    case unavailable(String)
    case failed(String)

    public var description: String {
        switch self {
        case .noFace(let m), .notAnImage(let m), .tooLarge(let m), .invalidName(let m), .unavailable(let m), .failed(let m): m
        }
    }
}
