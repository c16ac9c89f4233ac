import Models
import MySQL

/// A probe face (`faces` row of an `images` row) as the library reads it.
struct ProbeFaceRow: Sendable {
    var id: Int64
    var imageID: Int64
    var faceIndex: Int
    var box: FaceBox
    var descriptor: [Float]?
    var personID: Int64?
    var groupID: Int64?
    var imagePath: String
    /// Which pipeline computed the descriptor (schema 5; NULL means 1): a gallery copy keeps it.
    var descriptorVersion: Int64?

    /// Columns to select, with `faces f JOIN images i`.
    static let columns = """
        f.id, f.image_id, f.face_index, f.box_left, f.box_top, f.box_right, f.box_bottom, f.descriptor,
        f.person_id, f.group_id, i.path, f.descriptor_version
        """

    init(_ row: MySQLRow) throws {
        id = try row.decode("id")
        imageID = try row.decode("image_id")
        faceIndex = try row.decode("face_index")
        box = FaceBox(
            left: try row.decode("box_left"), top: try row.decode("box_top"), right: try row.decode("box_right"),
            bottom: try row.decode("box_bottom"))
        descriptor = DescriptorMath.decode(row["descriptor"]?.bytes)
        personID = row["person_id"]?.int
        groupID = row["group_id"]?.int
        imagePath = try row.decode("path")
        descriptorVersion = row["descriptor_version"]?.int
    }

    /// `person_images.image_name` of a gallery entry made from this face: unique (paths are unique, face
    /// indexes unique per image) and telling a v1 client which photo and face it was.
    var galleryImageName: String {
        let name = "\(imagePath)#face\(faceIndex)"
        return name.unicodeScalars.count <= 255 ? name : "image\(imageID)#face\(faceIndex)"
    }

    var groupFace: GroupFace { GroupFace(faceID: id, imageID: imageID, imagePath: imagePath, box: box) }
}
