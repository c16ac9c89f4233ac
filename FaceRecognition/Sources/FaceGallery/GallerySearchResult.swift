/// A known face compared with a probe descriptor.
public struct GalleryCandidate: Sendable, Hashable {
    public var entry: GalleryEntry
    /// Euclidean distance between the probe and this gallery face.
    public var distance: Double

    public init(entry: GalleryEntry, distance: Double) {
        self.entry = entry
        self.distance = distance
    }
}

/// The nearest known face and the nearest face of any other person.
public struct GallerySearchResult: Sendable, Hashable {
    /// The closest gallery face (nil only when the gallery is empty).
    public var nearest: GalleryCandidate?
    /// The closest face of a person other than `nearest`'s: a small gap to `nearest` means the match is
    /// ambiguous.
    public var runnerUp: GalleryCandidate?
    /// Distances at or below this are the same person.
    public var threshold: Double
    /// Gallery faces searched.
    public var gallerySize: Int

    public init(nearest: GalleryCandidate?, runnerUp: GalleryCandidate?, threshold: Double, gallerySize: Int) {
        self.nearest = nearest
        self.runnerUp = runnerUp
        self.threshold = threshold
        self.gallerySize = gallerySize
    }

    /// `nearest` when it is within the threshold, i.e. the person the face is recognised as.
    public var match: GalleryCandidate? {
        guard let nearest, nearest.distance <= threshold else { return nil }
        return nearest
    }
}
