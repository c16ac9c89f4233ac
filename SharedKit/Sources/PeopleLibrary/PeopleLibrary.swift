import Models

/// Who a face or group is named as: an existing person, or a name (the person is created when no person
/// has that name yet; names are unique case-insensitively, the `person.name` column's collation).
public enum PersonChoice: Sendable, Hashable {
    case existing(id: Int64)
    case named(String)
}

/// What a naming (or merge) operation changed.
public struct NamingOutcome: Sendable, Hashable, Codable {
    public var personID: Int64
    public var personName: String
    public var personCreated: Bool
    /// Faces given this person by the operation itself (the named face, the group's faces, the merged
    /// person's probe and gallery faces).
    public var facesNamed: Int
    /// Other unknown faces that now match the person (distance at most `PeopleLibrarySettings.matchDistance`).
    public var facesRematched: Int
    /// Images whose `images.person` changed (from -1 for naming; from the merged person for a merge).
    public var imagesUpdated: [Int64]

    public init(
        personID: Int64, personName: String, personCreated: Bool, facesNamed: Int, facesRematched: Int,
        imagesUpdated: [Int64]
    ) {
        self.personID = personID
        self.personName = personName
        self.personCreated = personCreated
        self.facesNamed = facesNamed
        self.facesRematched = facesRematched
        self.imagesUpdated = imagesUpdated
    }
}

/// A group of unknown faces that look alike, with a few of them to show.
public struct UnnamedGroup: Sendable, Hashable, Codable, Identifiable {
    public var id: Int64
    /// Unknown faces in the group now.
    public var faceCount: Int
    /// The largest faces first (the clearest crops).
    public var samples: [GroupFace]

    public init(id: Int64, faceCount: Int, samples: [GroupFace]) {
        self.id = id
        self.faceCount = faceCount
        self.samples = samples
    }
}

/// One probe face, with what is needed to show its crop.
public struct GroupFace: Sendable, Hashable, Codable {
    public var faceID: Int64
    public var imageID: Int64
    /// `images.path`, relative to the image root.
    public var imagePath: String
    public var box: FaceBox

    public init(faceID: Int64, imageID: Int64, imagePath: String, box: FaceBox) {
        self.faceID = faceID
        self.imageID = imageID
        self.imagePath = imagePath
        self.box = box
    }
}

/// People management over the `person`, `person_images`, `faces`, `face_groups` and `images` tables.
/// Every operation is one transaction; errors are `PeopleLibraryError` with user-facing messages.
public protocol PeopleLibrary: Sendable {
    /// Names one probe face: it joins the person's gallery with its stored descriptor (no re-analysis),
    /// and every other unknown face that now matches is given the person too.
    func nameFace(faceID: Int64, as person: PersonChoice) async throws -> NamingOutcome
    /// Names every face of an unnamed group; the group is deleted.
    func nameGroup(groupID: Int64, as person: PersonChoice) async throws -> NamingOutcome
    /// Throws `.conflict` when another person has the name.
    func renamePerson(id: Int64, to name: String) async throws
    /// Moves the source's gallery entries and matched faces to the target, then deletes the source.
    func mergePerson(id source: Int64, into target: Int64) async throws -> NamingOutcome
    /// A gallery face or a probe face of the person; it becomes unknown (and is grouped again).
    func removeFace(faceID: Int64, fromPerson personID: Int64) async throws
    /// Deletes the person with its gallery entries (files stay); returns the probe faces that became unknown.
    func deletePerson(id: Int64) async throws -> Int
    /// Groups with at least one unknown face, the largest first.
    func unnamedGroups(limit: Int, offset: Int, samplesPerGroup: Int) async throws -> (groups: [UnnamedGroup], total: Int)
    /// nil when the group does not exist (or has no unknown face left).
    func group(id: Int64, samples: Int) async throws -> UnnamedGroup?
    /// People whose name starts with `prefix` (case-insensitive), by name.
    func suggestPeople(prefix: String, limit: Int) async throws -> [Person]
}

/// Puts unknown probe faces into groups of look-alikes (the processor after each image, the backfill,
/// the library after a face became unknown).
public protocol UnknownFaceGrouping: Sendable {
    /// Groups those of `faceIDs` that are unknown, ungrouped, large enough and have a descriptor;
    /// returns how many were grouped.
    func group(faceIDs: [Int64]) async throws -> Int
}
