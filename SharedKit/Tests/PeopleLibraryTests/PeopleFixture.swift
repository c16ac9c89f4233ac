import Models
import MySQL
import PeopleLibrary
import SharedTestSupport

/// Synthetic 128-d descriptors with dlib-like geometry: two identities are about 1.0 apart, two photos of
/// one identity about 0.35 (dlib: same person below 0.6).
enum SyntheticFaces {
    static func identity(_ seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed &* 7919 &+ 1)
        return (0..<128).map { _ in gaussian(&rng) * 0.0625 }
    }

    static func photo(of identity: [Float], seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed &* 104_729 &+ 3)
        return identity.map { $0 + gaussian(&rng) * 0.0219 }
    }

    /// Approximately standard normal (Irwin-Hall with 12 terms).
    static func gaussian(_ rng: inout SplitMix64) -> Float {
        var sum: Float = 0
        for _ in 0..<12 { sum += rng.float(0, 1) }
        return sum - 6
    }
}

/// Rows the way the services write them: images by the receiver/processor, probe faces by the processor,
/// sample-style known people by the seed and FaceRecognition.
struct PeopleFixture {
    let pool: MySQLPool
    let grouper: MySQLUnknownFaceGrouper
    let library: MySQLPeopleLibrary

    static func make(_ label: String, grouping: FaceGroupingSettings = FaceGroupingSettings()) async throws -> PeopleFixture {
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: label)
        let grouper = MySQLUnknownFaceGrouper(pool: pool, settings: grouping)
        return PeopleFixture(pool: pool, grouper: grouper, library: MySQLPeopleLibrary(pool: pool, grouper: grouper))
    }

    func image(_ path: String, person: Int64 = -1) async throws -> Int64 {
        Int64(try await pool.execute("INSERT INTO images (path, person, status) VALUES (?, ?, 1)", [.string(path), .int(person)]).lastInsertID)
    }

    @discardableResult
    func face(
        image: Int64, index: Int, _ descriptor: [Float], size: Int = 100, person: Int64? = nil, distance: Double? = nil,
        descriptorVersion: Int64? = nil
    ) async throws -> Int64 {
        Int64(
            try await pool.execute(
                """
                INSERT INTO faces (image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, person_id, distance,
                    descriptor_version)
                VALUES (?, ?, 10, 20, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .int(image), .int(Int64(index)), .int(Int64(10 + size)), .int(Int64(20 + size)),
                    .bytes(DescriptorMath.encode(descriptor)), MySQLValue(person), MySQLValue(distance),
                    MySQLValue(descriptorVersion),
                ]
            ).lastInsertID)
    }

    /// A person enrolled the sample's way: a `known_people/` file name and its gallery face.
    func knownPerson(_ name: String, file: String, _ descriptor: [Float]) async throws -> (person: Int64, galleryFace: Int64) {
        let person = Int64(try await pool.execute("insert into person (name) values (?)", [.string(name)]).lastInsertID)
        let entry = try await pool.execute(
            "insert into person_images (image_name, person_id) values (?, ?)", [.string(file), .int(person)]
        ).lastInsertID
        let face = try await pool.execute(
            """
            INSERT INTO faces (person_image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, person_id)
            VALUES (?, 0, 0, 0, 100, 100, ?, ?)
            """, [.int(Int64(entry)), .bytes(DescriptorMath.encode(descriptor)), .int(person)]
        ).lastInsertID
        return (person, Int64(face))
    }

    func int(_ sql: String, _ parameters: [MySQLValue] = []) async throws -> Int64? {
        try await pool.query(sql, parameters).first?.values.first?.int
    }

    func imagePerson(_ image: Int64) async throws -> Int64? {
        try await int("SELECT person FROM images WHERE id = ?", [.int(image)])
    }

    func faceRow(_ id: Int64) async throws -> MySQLRow? {
        try await pool.query("SELECT person_id, group_id, distance, image_id, person_image_id FROM faces WHERE id = ?", [.int(id)]).first
    }
}
