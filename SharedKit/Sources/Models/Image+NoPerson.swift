extension Image {
    /// `images.person` when nobody known is in the photo: the sample's value. Its services read the column
    /// into a non-null `int`, so every row any of our services writes uses this, never NULL.
    public static let noPerson: Int64 = -1

    /// `images.person` as stored → the person id, or nil for nobody: -1, and NULL in rows written before
    /// migration 3 (no person id is ever below 1).
    public static func person(fromColumn value: Int64?) -> Int64? {
        guard let value, value > 0 else { return nil }
        return value
    }

    /// A person id (nil for nobody) → the value to store in `images.person`.
    public static func personColumn(_ person: Int64?) -> Int64 { person ?? noPerson }
}
