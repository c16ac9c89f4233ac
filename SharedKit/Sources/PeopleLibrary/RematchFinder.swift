import MySQL

/// An unknown face that matches a new gallery descriptor.
struct Rematch: Sendable {
    var faceID: Int64
    var imageID: Int64
    var groupID: Int64?
    var distance: Float
}

/// Finds the unknown faces that match new gallery descriptors without reading every face: only the
/// faces of groups whose centroid is near a descriptor (the grouper's in-memory centroids), plus the
/// ungrouped unknown faces (bystanders too small to group, faces not grouped yet), read page by page.
/// Read-only and outside any transaction; the writes are guarded by `person_id IS NULL`.
struct RematchFinder: Sendable {
    let pool: MySQLPool
    let grouper: MySQLUnknownFaceGrouper
    let settings: PeopleLibrarySettings

    func matches(for descriptors: [[Float]], excluding excluded: Set<Int64>) async throws -> [Rematch] {
        guard !descriptors.isEmpty else { return [] }
        var found: [Rematch] = []
        let groups = try await grouper.groups(near: descriptors, within: settings.matchDistance + settings.candidateSlack)
        for start in stride(from: 0, to: groups.count, by: 500) {
            let batch = Array(groups[start..<min(start + 500, groups.count)])
            let rows = try await pool.query(
                """
                SELECT id, image_id, group_id, descriptor FROM faces
                WHERE group_id IN (\(SQLPlaceholders.list(batch.count))) AND person_id IS NULL
                """, batch.map { .int($0) })
            found += try compare(rows, descriptors, excluded)
        }
        var cursor: Int64 = 0
        while true {
            let rows = try await pool.query(
                """
                SELECT id, image_id, group_id, descriptor FROM faces
                WHERE group_id IS NULL AND person_id IS NULL AND id > ? AND image_id IS NOT NULL
                ORDER BY id LIMIT ?
                """, [.int(cursor), .int(Int64(settings.ungroupedPageSize))])
            found += try compare(rows, descriptors, excluded)
            guard rows.count == settings.ungroupedPageSize, let last = rows.last?["id"]?.int else { break }
            cursor = last
        }
        return found
    }

    private func compare(_ rows: [MySQLRow], _ descriptors: [[Float]], _ excluded: Set<Int64>) throws -> [Rematch] {
        var found: [Rematch] = []
        for row in rows {
            let id = try row.decode("id", as: Int64.self)
            guard !excluded.contains(id), let imageID = row["image_id"]?.int,
                let descriptor = DescriptorMath.decode(row["descriptor"]?.bytes, checkFinite: false)
            else { continue }
            let limit = settings.matchDistance * settings.matchDistance
            var best = Float.infinity
            descriptor.withUnsafeBufferPointer { face in
                for known in descriptors {
                    known.withUnsafeBufferPointer {
                        best = min(best, DescriptorMath.squaredDistance($0, face, stoppingAbove: min(best, limit)))
                    }
                }
            }
            if best <= limit {  // FaceRecognition matches at distance <= 0.6
                found.append(Rematch(faceID: id, imageID: imageID, groupID: row["group_id"]?.int, distance: best.squareRoot()))
            }
        }
        return found
    }
}
