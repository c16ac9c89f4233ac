/// Settings of `GalleryStore`.
public struct GalleryStoreConfiguration: Sendable {
    /// Folder with the known people's photos (`person_images.image_name` are file names in it).
    public var knownPeopleDirectory: String
    /// Photos analysed at once while computing missing descriptors (more than the engine's workers only queues).
    public var maxConcurrentAnalyses: Int

    public init(knownPeopleDirectory: String, maxConcurrentAnalyses: Int = 2) {
        self.knownPeopleDirectory = knownPeopleDirectory
        self.maxConcurrentAnalyses = max(1, maxConcurrentAnalyses)
    }
}
