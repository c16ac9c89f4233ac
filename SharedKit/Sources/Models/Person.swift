/// A known person (`person` table).
public struct Person: Codable, Hashable, Sendable, Identifiable {
    public var id: Int64
    public var name: String

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// A photo that shows a known person (`person_images` table, the sample's `known_people/` files).
public struct PersonImage: Codable, Hashable, Sendable, Identifiable {
    public var id: Int64
    public var imageName: String
    public var personID: Int64?

    public init(id: Int64, imageName: String, personID: Int64?) {
        self.id = id
        self.imageName = imageName
        self.personID = personID
    }
}
