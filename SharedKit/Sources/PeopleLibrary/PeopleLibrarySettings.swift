/// How naming finds the other faces that now match.
public struct PeopleLibrarySettings: Sendable, Equatable {
    /// A face matches a gallery descriptor at most this far away (FaceRecognition's `--match-threshold`).
    public var matchDistance: Float
    /// Rematch candidates: groups whose centroid is within `matchDistance + candidateSlack` of a new
    /// gallery descriptor (a group's faces lie around its centroid, not on it).
    public var candidateSlack: Float
    /// Naming a group adds this many of its faces (the largest, the clearest) to the gallery; the other
    /// faces get the person without growing the gallery. On LFW, 3 found all of a person's other photos
    /// as 10 did, with fewer false rematches (9.1 instead of 12.8 other people's faces per naming).
    public var galleryFacesPerGroup: Int
    /// Ungrouped unknown faces (bystanders, not grouped yet) are compared page by page.
    public var ungroupedPageSize: Int

    public init(matchDistance: Float = 0.6, candidateSlack: Float = 0.25, galleryFacesPerGroup: Int = 3, ungroupedPageSize: Int = 5000) {
        self.matchDistance = matchDistance
        self.candidateSlack = max(0, candidateSlack)
        self.galleryFacesPerGroup = max(1, galleryFacesPerGroup)
        self.ungroupedPageSize = max(100, ungroupedPageSize)
    }
}
