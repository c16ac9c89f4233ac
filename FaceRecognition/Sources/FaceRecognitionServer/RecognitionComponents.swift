import FaceEngine
import FaceGallery

/// Gallery management as the v2 service needs it (`GalleryStore` over MySQL in production).
public protocol GalleryManaging: Sendable {
    func enroll(personName: String, photo: [UInt8]) async throws -> Enrollment
    func removePerson(_ reference: PersonReference) async throws -> RemovedPerson
    func listPeople() async throws -> [KnownPerson]
}

extension GalleryStore: GalleryManaging {}

/// What the handlers need once everything is loaded.
public struct RecognitionComponents: Sendable {
    public var analyzer: any FaceAnalyzing
    public var gallery: GalleryIndex
    public var manager: any GalleryManaging

    public init(analyzer: any FaceAnalyzing, gallery: GalleryIndex, manager: any GalleryManaging) {
        self.analyzer = analyzer
        self.gallery = gallery
        self.manager = manager
    }
}
