import Models
import MySQL

/// The library's multi-row steps, each run inside the caller's transaction. Lock order everywhere:
/// person rows, then faces, then face_groups, then images (the grouper takes faces, then face_groups).
struct PeopleStatements {
    let tx: MySQLConnectionHandle

    /// The chosen person, locked; created when a new name is given.
    func resolve(_ choice: PersonChoice) async throws -> (id: Int64, name: String, created: Bool) {
        switch choice {
        case .existing(let id):
            guard let row = try await tx.query("SELECT id, name FROM person WHERE id = ? FOR UPDATE", [.int(id)]).first else {
                throw PeopleLibraryError.notFound("no person with id \(id)")
            }
            return (id, try row.decode("name"), false)
        case .named(let raw):
            let name = try PersonName.validated(raw)
            if let row = try await tx.query("SELECT id, name FROM person WHERE name = ? FOR UPDATE", [.string(name)]).first {
                return (try row.decode("id"), try row.decode("name"), false)
            }
            do {
                let id = try await tx.execute("INSERT INTO person (name) VALUES (?)", [.string(name)]).lastInsertID
                return (Int64(id), name, true)
            } catch let error as MySQLError where error.isDuplicateKey {
                // Created by someone else since the SELECT (its transaction committed first).
                guard let row = try await tx.query("SELECT id, name FROM person WHERE name = ? FOR UPDATE", [.string(name)]).first
                else { throw error }
                return (try row.decode("id"), try row.decode("name"), false)
            }
        }
    }

    /// Gives a probe face the person; with `gallery`, the face also becomes a gallery entry of the person
    /// (a `person_images` row pointing at it and a `faces` row with a copy of its descriptor), or its
    /// existing entry moves to the person. The caller has locked the face (`lockedProbeFaces`).
    func name(_ face: ProbeFaceRow, as personID: Int64, distance: Float, gallery: Bool) async throws {
        try await tx.execute(
            "UPDATE faces SET person_id = ?, distance = ?, group_id = NULL WHERE id = ?",
            [.int(personID), .double(Double(distance)), .int(face.id)])
        let existing = try await tx.query(
            "SELECT id, person_id FROM person_images WHERE source_face_id = ? ORDER BY id FOR UPDATE", [.int(face.id)])
        if let entry = existing.first {
            let entryID = try entry.decode("id", as: Int64.self)
            try await tx.execute("UPDATE person_images SET person_id = ? WHERE id = ?", [.int(personID), .int(entryID)])
            try await tx.execute("UPDATE faces SET person_id = ? WHERE person_image_id = ?", [.int(personID), .int(entryID)])
            return
        }
        guard gallery, let descriptor = face.descriptor else { return }
        let entryID = try await tx.execute(
            "INSERT INTO person_images (image_name, person_id, source_face_id) VALUES (?, ?, ?)",
            [.string(face.galleryImageName), .int(personID), .int(face.id)]
        ).lastInsertID
        try await tx.execute(
            """
            INSERT INTO faces (person_image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, person_id,
                descriptor_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .int(Int64(entryID)), .int(Int64(face.faceIndex)), .int(Int64(face.box.left)), .int(Int64(face.box.top)),
                .int(Int64(face.box.right)), .int(Int64(face.box.bottom)), .bytes(DescriptorMath.encode(descriptor)),
                .int(personID), MySQLValue(face.descriptorVersion),
            ])
    }

    /// The probe faces among `ids`, locked for update, by id.
    func lockedProbeFaces(_ ids: [Int64]) async throws -> [ProbeFaceRow] {
        var faces: [ProbeFaceRow] = []
        let ids = Array(Set(ids)).sorted()
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = ids[start..<min(start + 500, ids.count)].map { MySQLValue.int($0) }
            let rows = try await tx.query(
                """
                SELECT \(ProbeFaceRow.columns) FROM faces f JOIN images i ON i.id = f.image_id
                WHERE f.id IN (\(SQLPlaceholders.list(batch.count))) ORDER BY f.id FOR UPDATE
                """, batch)
            faces += try rows.map(ProbeFaceRow.init)
        }
        return faces
    }

    /// Gives the person to unknown faces that match it; returns how many were still unknown.
    func apply(_ rematches: [Rematch], to personID: Int64) async throws -> Int {
        var changed = 0
        for rematch in rematches {
            let result = try await tx.execute(
                "UPDATE faces SET person_id = ?, distance = ?, group_id = NULL WHERE id = ? AND person_id IS NULL",
                [.int(personID), .double(Double(rematch.distance)), .int(rematch.faceID)])
            changed += Int(result.affectedRows)
        }
        return changed
    }

    /// Recounts groups that lost faces; deletes the ones left empty.
    func tidyGroups(_ ids: Set<Int64>) async throws {
        let ids = ids.sorted()
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = ids[start..<min(start + 500, ids.count)].map { MySQLValue.int($0) }
            let placeholders = SQLPlaceholders.list(batch.count)
            try await tx.execute(
                """
                DELETE FROM face_groups WHERE id IN (\(placeholders))
                    AND NOT EXISTS (SELECT 1 FROM faces WHERE faces.group_id = face_groups.id)
                """, batch)
            try await tx.execute(
                """
                UPDATE face_groups SET face_count = (SELECT COUNT(*) FROM faces WHERE faces.group_id = face_groups.id)
                WHERE id IN (\(placeholders))
                """, batch)
        }
    }

    /// Brings `images.person` in line after faces changed: an image keeps a person that still has a
    /// face in it (or an image without face rows, e.g. the sample processor's, keeps an existing person);
    /// otherwise it gets the person of its closest matched face, or -1. Returns the images that changed.
    func refreshImagePersons(_ ids: Set<Int64>) async throws -> [Int64] {
        var changed: [Int64] = []
        let ids = ids.sorted()
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = ids[start..<min(start + 500, ids.count)].map { MySQLValue.int($0) }
            let rows = try await tx.query(
                """
                SELECT i.id, i.person,
                    (SELECT f.person_id FROM faces f JOIN person p ON p.id = f.person_id WHERE f.image_id = i.id
                        ORDER BY f.distance IS NULL, f.distance, f.face_index LIMIT 1) AS best,
                    (SELECT COUNT(*) FROM faces f WHERE f.image_id = i.id AND f.person_id = i.person) AS own_faces,
                    (SELECT COUNT(*) FROM faces f WHERE f.image_id = i.id) AS all_faces,
                    (SELECT COUNT(*) FROM person p WHERE p.id = i.person) AS person_exists
                FROM images i WHERE i.id IN (\(SQLPlaceholders.list(batch.count))) ORDER BY i.id FOR UPDATE
                """, batch)
            for row in rows {
                let id = try row.decode("id", as: Int64.self)
                let current = Image.person(fromColumn: row["person"]?.int)
                let keep =
                    current != nil && row["person_exists"]?.int == 1
                    && ((row["own_faces"]?.int ?? 0) > 0 || row["all_faces"]?.int == 0)
                let wanted = keep ? current : Image.person(fromColumn: row["best"]?.int)
                guard wanted != current || row["person"]?.isNull == true else { continue }
                try await tx.execute(
                    "UPDATE images SET person = ? WHERE id = ?", [.int(Image.personColumn(wanted)), .int(id)])
                if wanted != current { changed.append(id) }
            }
        }
        return changed
    }
}
