import MySQL

/// The Go/Python sample's own statements, character for character (`../shared/tools/kcs/README.md`, from
/// Skarlso/kube-cluster-sample at db3c348), with what its code scans each column into. A drop-in
/// replacement must keep every row these read scannable: `images.person` and `images.status` are never
/// NULL (-1 is "no person"), and a `person` other than -1 names an existing `person` row.
public enum SampleContract {
    // receiver, per path
    public static let receiverPathExists = CompatibilityQuery(
        "sample receiver: path exists", "select 1 from images where path = ?", [.string("compat/sample.jpg")])
    public static let receiverInsert = CompatibilityQuery(
        "sample receiver: store image", "insert into images (path, person, status) values (?, ?, ?)",
        [.string("compat/sample.jpg"), .int(-1), .int(0)])

    // image_processor, per id, each in its own SERIALIZABLE transaction
    public static let processorLoad = CompatibilityQuery(
        "sample processor: load image", "select path, person, status from images where id = ?", [.int(1)],
        scans: [.string, .int, .int])
    public static let processorSetStatus = CompatibilityQuery(
        "sample processor: set status", "update images set status = ? where id = ?", [.int(3), .int(1)])
    public static let processorSetStatusAndPerson = CompatibilityQuery(
        "sample processor: set status and person", "update images set status = ?, person = ? where id = ?",
        [.int(1), .int(1), .int(1)])
    public static let processorPersonOfKnownImage = CompatibilityQuery(
        "sample processor: person of a known image",
        "select person.name, person.id from person inner join person_images as pi on person.id = pi.person_id where image_name = ?",
        [.string("compat_1.jpg")], scans: [.string, .int])

    // frontend, per page view
    public static let frontendImages = CompatibilityQuery(
        "sample frontend: list images", "select id, path, person, status from images", scans: [.int, .string, .int, .int])
    /// Run for every listed row whose person is not -1; no row is an error (the page fails).
    public static let frontendPersonName = CompatibilityQuery(
        "sample frontend: person name", "select name from person where id = ?", [.int(1)], scans: [.string])

    // database_setup.sql's seed, parameterised
    public static let seedPerson = CompatibilityQuery(
        "sample seed: add person", "insert into person (name) values (?)", [.string("Compat Person")])
    public static let seedKnownImage = CompatibilityQuery(
        "sample seed: add known image", "insert into person_images (image_name, person_id) values (?, ?)",
        [.string("compat_1.jpg"), .int(1)])

    /// Every statement, in an order whose example parameters work on an empty schema (seed first).
    public static let queries: [CompatibilityQuery] = [
        seedPerson, seedKnownImage, receiverPathExists, receiverInsert, processorLoad, processorSetStatus,
        processorSetStatusAndPerson, processorPersonOfKnownImage, frontendImages, frontendPersonName,
    ]
}
