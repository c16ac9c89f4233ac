import Foundation
import Models
import MySQL

/// `FrontendStore` over the pipeline's MySQL/MariaDB schema (read only; changes go through `PeopleLibrary`).
public struct MySQLFrontendStore: FrontendStore {
    let pool: MySQLPool

    public init(pool: MySQLPool) {
        self.pool = pool
    }

    public func images(matching query: ImageQuery) async throws -> ImagePage {
        var conditions: [String] = []
        var parameters: [MySQLValue] = []
        if let status = query.status {
            conditions.append("i.status = ?")
            parameters.append(.int(Int64(status.rawValue)))
        }
        if let personID = query.personID {
            // The best person of the image, or any probe face matched to the person.
            conditions.append("(i.person = ? OR EXISTS (SELECT 1 FROM faces f WHERE f.image_id = i.id AND f.person_id = ?))")
            parameters.append(.int(personID))
            parameters.append(.int(personID))
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let countRows = try await pool.query("SELECT COUNT(*) AS n FROM images i \(whereClause)", parameters)
        let total = try countRows.first?.decode("n", as: Int.self) ?? 0
        let rows = try await pool.query(
            """
            SELECT \(Self.imageColumns)
            FROM images i LEFT JOIN person p ON p.id = i.person
            \(whereClause)
            ORDER BY i.id DESC LIMIT ? OFFSET ?
            """,
            parameters + [.int(Int64(query.perPage)), .int(Int64(query.offset))])
        return ImagePage(images: try rows.map(Self.imageSummary), total: total)
    }

    public func image(id: Int64) async throws -> ImageDetail? {
        let rows = try await pool.query(
            "SELECT \(Self.imageColumns) FROM images i LEFT JOIN person p ON p.id = i.person WHERE i.id = ?", [.int(id)])
        guard let row = rows.first else { return nil }
        let faceRows = try await pool.query(
            """
            SELECT f.id, f.face_index, f.box_left, f.box_top, f.box_right, f.box_bottom, f.person_id, f.distance,
                p.name AS person_name
            FROM faces f LEFT JOIN person p ON p.id = f.person_id
            WHERE f.image_id = ? ORDER BY f.face_index
            """,
            [.int(id)])
        let faces = try faceRows.map { row in
            FaceMatch(
                id: try row.decode("id"), faceIndex: try row.decode("face_index"), box: try Self.box(row),
                person: try Self.personRef(row, idColumn: "person_id"), distance: try row.decode("distance"))
        }
        return ImageDetail(image: try Self.imageSummary(row), faces: faces)
    }

    public func people() async throws -> [PersonSummary] {
        let rows = try await pool.query(
            """
            SELECT p.id, p.name, COALESCE(c.n, 0) AS image_count
            FROM person p LEFT JOIN (
                SELECT person_id, COUNT(DISTINCT image_id) AS n FROM (
                    SELECT i.person AS person_id, i.id AS image_id FROM images i WHERE i.person > 0
                    UNION ALL
                    SELECT f.person_id, f.image_id FROM faces f WHERE f.image_id IS NOT NULL AND f.person_id IS NOT NULL
                ) appearances GROUP BY person_id
            ) c ON c.person_id = p.id
            ORDER BY p.name, p.id
            """)
        // The largest gallery face of each person: the crop that shows them best.
        let faceRows = try await pool.query(
            """
            SELECT f.person_id, pi.image_name, si.path AS source_path, f.box_left, f.box_top, f.box_right, f.box_bottom
            FROM faces f JOIN person_images pi ON pi.id = f.person_image_id
            LEFT JOIN faces sf ON sf.id = pi.source_face_id
            LEFT JOIN images si ON si.id = sf.image_id
            WHERE f.person_id IS NOT NULL AND pi.image_name IS NOT NULL AND pi.image_name <> ''
                AND (pi.source_face_id IS NULL OR si.path IS NOT NULL)
            ORDER BY f.person_id, (f.box_right - f.box_left) * (f.box_bottom - f.box_top) DESC, f.id
            """)
        var gallery: [Int64: GalleryFace] = [:]
        for row in faceRows {
            let personID: Int64 = try row.decode("person_id")
            if gallery[personID] == nil {
                gallery[personID] = GalleryFace(
                    imageName: try row.decode("image_name"), box: try Self.box(row), sourcePath: try row.decode("source_path"))
            }
        }
        // People whose gallery photos have no face rows yet still get their photo.
        let photoRows = try await pool.query(
            """
            SELECT person_id, MIN(image_name) AS image_name FROM person_images
            WHERE person_id IS NOT NULL AND image_name IS NOT NULL AND image_name <> '' AND source_face_id IS NULL
            GROUP BY person_id
            """)
        for row in photoRows {
            let personID: Int64 = try row.decode("person_id")
            if gallery[personID] == nil {
                gallery[personID] = GalleryFace(imageName: try row.decode("image_name"), box: nil)
            }
        }
        return try rows.map { row in
            let id: Int64 = try row.decode("id")
            return PersonSummary(
                id: id, name: try row.decode("name"), imageCount: try row.decode("image_count"), galleryFace: gallery[id])
        }
    }

    public func personNames() async throws -> [PersonRef] {
        try await pool.query("SELECT id, name FROM person ORDER BY name, id").map { row in
            PersonRef(id: try row.decode("id"), name: try row.decode("name"))
        }
    }

    public func person(id: Int64) async throws -> PersonRef? {
        let rows = try await pool.query("SELECT id, name FROM person WHERE id = ?", [.int(id)])
        guard let row = rows.first else { return nil }
        return PersonRef(id: try row.decode("id"), name: try row.decode("name"))
    }

    public func personDetail(id: Int64, knownPeoplePrefix: String) async throws -> PersonDetail? {
        guard let person = try await person(id: id) else { return nil }
        // Gallery photos' faces first (largest first), then the images they were recognised or named in, newest
        // first. A gallery entry made by naming a face (source_face_id) is that face itself: shown once, as it.
        let rows = try await pool.query(
            """
            SELECT f.id, f.image_id, i.path, pi.image_name, f.box_left, f.box_top, f.box_right, f.box_bottom, f.distance
            FROM faces f
            LEFT JOIN images i ON i.id = f.image_id
            LEFT JOIN person_images pi ON pi.id = f.person_image_id
            WHERE f.person_id = ?
                AND (i.id IS NOT NULL OR (pi.image_name IS NOT NULL AND pi.image_name <> '' AND pi.source_face_id IS NULL))
            ORDER BY f.image_id IS NOT NULL, f.image_id DESC,
                (f.box_right - f.box_left) * (f.box_bottom - f.box_top) DESC, f.id
            LIMIT 500
            """,
            [.int(id)])
        let faces = try rows.map { row in
            let imageID: Int64? = try row.decode("image_id")
            let path: String = if imageID != nil {
                try row.decode("path")
            } else {
                KnownPeople.path(try row.decode("image_name"), prefix: knownPeoplePrefix)
            }
            return PersonFace(
                faceID: try row.decode("id"), imageID: imageID, photoPath: path, box: try Self.box(row),
                distance: try row.decode("distance"))
        }
        return PersonDetail(person: person, faces: faces)
    }

    public func stats() async throws -> FrontendStats {
        let rows = try await pool.query("SELECT status, COUNT(*) AS n FROM images GROUP BY status")
        var counts: [ImageStatus: Int] = [:]
        var total = 0
        for row in rows {
            let n: Int = try row.decode("n")
            total += n
            if let code: Int = try row.decode("status"), let status = ImageStatus(rawValue: code) {
                counts[status, default: 0] += n
            }
        }
        let people = try await pool.query("SELECT COUNT(*) AS n FROM person").first?.decode("n", as: Int.self) ?? 0
        return FrontendStats(counts: counts, total: total, people: people)
    }

    public func isReachable() async -> Bool {
        await pool.isReachable()
    }

    // MARK: - Row mapping

    static let imageColumns = """
        i.id, i.path, i.person, i.status, i.attempts, i.last_error, i.created_at, i.updated_at,
        p.name AS person_name, (SELECT COUNT(*) FROM faces f WHERE f.image_id = i.id) AS face_count
        """

    static func imageSummary(_ row: MySQLRow) throws -> ImageSummary {
        ImageSummary(
            id: try row.decode("id"), path: try row.decode("path"), person: try personRef(row, idColumn: "person"),
            statusCode: try row.decode("status", as: Int?.self) ?? 0, attempts: try row.decode("attempts"),
            lastError: try row.decode("last_error"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"), faceCount: try row.decode("face_count"))
    }

    /// -1 is "no person" (the sample's value, which every service writes); NULL only in rows from before
    /// migration 3. Only positive ids name somebody.
    static func personRef(_ row: MySQLRow, idColumn: String) throws -> PersonRef? {
        guard let id: Int64 = try row.decode(idColumn), id > 0 else { return nil }
        return PersonRef(id: id, name: try row.decode("person_name"))
    }

    static func box(_ row: MySQLRow) throws -> FaceBox {
        FaceBox(
            left: try row.decode("box_left"), top: try row.decode("box_top"), right: try row.decode("box_right"),
            bottom: try row.decode("box_bottom"))
    }
}
