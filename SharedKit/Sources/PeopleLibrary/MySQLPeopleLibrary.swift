import Foundation
import Logging
import Models
import MySQL

/// `PeopleLibrary` over MySQL. Each operation reads what it needs to compare first (outside any
/// transaction: descriptors of rematch candidates), then makes every change in one transaction
/// (`MySQLPool.transaction`, restarted on a deadlock). Faces that become unknown are grouped again
/// afterwards; if that fails they stay ungrouped until the processor's backfill finds them.
public struct MySQLPeopleLibrary: PeopleLibrary {
    let pool: MySQLPool
    let grouper: MySQLUnknownFaceGrouper
    let settings: PeopleLibrarySettings
    let logger: Logger

    public init(
        pool: MySQLPool, grouper: MySQLUnknownFaceGrouper, settings: PeopleLibrarySettings = PeopleLibrarySettings(),
        logger: Logger = Logger(label: "people-library")
    ) {
        self.pool = pool
        self.grouper = grouper
        self.settings = settings
        self.logger = logger
    }

    var rematchFinder: RematchFinder { RematchFinder(pool: pool, grouper: grouper, settings: settings) }

    // MARK: - Naming

    public func nameFace(faceID: Int64, as person: PersonChoice) async throws -> NamingOutcome {
        if case .named(let raw) = person { _ = try PersonName.validated(raw) }
        let face = try await probeFace(faceID)
        guard let descriptor = face.descriptor else {
            throw PeopleLibraryError.invalid("face \(faceID) has no descriptor to recognise it by")
        }
        let rematches = try await rematchFinder.matches(for: [descriptor], excluding: [faceID])
        let outcome = try await pool.transaction { tx -> NamingOutcome in
            let statements = PeopleStatements(tx: tx)
            let chosen = try await statements.resolve(person)
            guard let locked = try await statements.lockedProbeFaces([faceID]).first else {
                throw PeopleLibraryError.notFound("face \(faceID) no longer exists")
            }
            try await statements.name(locked, as: chosen.id, distance: 0, gallery: true)
            let rematched = try await statements.apply(rematches, to: chosen.id)
            try await statements.tidyGroups(Set([locked.groupID].compactMap { $0} + rematches.compactMap(\.groupID)))
            let images = try await statements.refreshImagePersons(Set([locked.imageID] + rematches.map(\.imageID)))
            return NamingOutcome(
                personID: chosen.id, personName: chosen.name, personCreated: chosen.created,
                facesNamed: locked.personID == chosen.id ? 0 : 1, facesRematched: rematched, imagesUpdated: images)
        }
        logger.info(
            "face named",
            metadata: [
                "face_id": "\(faceID)", "image_id": "\(face.imageID)", "person_id": "\(outcome.personID)",
                "rematched": "\(outcome.facesRematched)", "images_updated": "\(outcome.imagesUpdated.count)",
            ])
        return outcome
    }

    public func nameGroup(groupID: Int64, as person: PersonChoice) async throws -> NamingOutcome {
        if case .named(let raw) = person { _ = try PersonName.validated(raw) }
        let faces = try await pool.query(
            """
            SELECT \(ProbeFaceRow.columns) FROM faces f JOIN images i ON i.id = f.image_id
            WHERE f.group_id = ? AND f.person_id IS NULL ORDER BY f.id
            """, [.int(groupID)]
        ).map(ProbeFaceRow.init)
        guard !faces.isEmpty else { throw PeopleLibraryError.notFound("no unnamed group with id \(groupID)") }
        // The largest faces (the clearest) join the gallery; the others get the person by their distance to them.
        let gallery = faces.filter { $0.descriptor != nil }
            .sorted { ($0.box.width * $0.box.height, -$0.id) > ($1.box.width * $1.box.height, -$1.id) }
            .prefix(settings.galleryFacesPerGroup)
        let galleryIDs = Set(gallery.map(\.id))
        let galleryDescriptors = gallery.compactMap(\.descriptor)
        let rematches = try await rematchFinder.matches(for: galleryDescriptors, excluding: Set(faces.map(\.id)))
        let outcome = try await pool.transaction { tx -> NamingOutcome in
            let statements = PeopleStatements(tx: tx)
            let chosen = try await statements.resolve(person)
            // Faces named or moved elsewhere since the read are left as they are now.
            let locked = try await statements.lockedProbeFaces(faces.map(\.id)).filter {
                $0.groupID == groupID && $0.personID == nil
            }
            for face in locked {
                let distance =
                    galleryIDs.contains(face.id)
                    ? 0 : face.descriptor.map { d in galleryDescriptors.map { DescriptorMath.distance($0, d) }.min() ?? 0 } ?? 0
                try await statements.name(face, as: chosen.id, distance: distance, gallery: galleryIDs.contains(face.id))
            }
            let rematched = try await statements.apply(rematches, to: chosen.id)
            try await statements.tidyGroups(Set([groupID] + rematches.compactMap(\.groupID)))
            let images = try await statements.refreshImagePersons(Set(locked.map(\.imageID) + rematches.map(\.imageID)))
            return NamingOutcome(
                personID: chosen.id, personName: chosen.name, personCreated: chosen.created, facesNamed: locked.count,
                facesRematched: rematched, imagesUpdated: images)
        }
        logger.info(
            "group named",
            metadata: [
                "group_id": "\(groupID)", "person_id": "\(outcome.personID)", "faces": "\(outcome.facesNamed)",
                "rematched": "\(outcome.facesRematched)", "images_updated": "\(outcome.imagesUpdated.count)",
            ])
        return outcome
    }

    // MARK: - People

    public func renamePerson(id: Int64, to name: String) async throws {
        let name = try PersonName.validated(name)
        try await pool.transaction { tx in
            guard try await !tx.query("SELECT id FROM person WHERE id = ? FOR UPDATE", [.int(id)]).isEmpty else {
                throw PeopleLibraryError.notFound("no person with id \(id)")
            }
            do {
                try await tx.execute("UPDATE person SET name = ? WHERE id = ?", [.string(name), .int(id)])
            } catch let error as MySQLError where error.isDuplicateKey {
                throw PeopleLibraryError.conflict("a person named \(name) already exists")
            }
        }
        logger.info("person renamed", metadata: ["person_id": "\(id)"])
    }

    public func mergePerson(id source: Int64, into target: Int64) async throws -> NamingOutcome {
        guard source != target else { throw PeopleLibraryError.invalid("a person cannot be merged into themselves") }
        let outcome = try await pool.transaction { tx -> NamingOutcome in
            let people = try await tx.query(
                "SELECT id, name FROM person WHERE id IN (?, ?) ORDER BY id FOR UPDATE", [.int(source), .int(target)])
            let names = try Dictionary(uniqueKeysWithValues: people.map { (try $0.decode("id", as: Int64.self), try $0.decode("name", as: String.self)) })
            for id in [source, target] where names[id] == nil {
                throw PeopleLibraryError.notFound("no person with id \(id)")
            }
            let moved = try await tx.execute(
                "UPDATE faces SET person_id = ? WHERE person_id = ? AND image_id IS NOT NULL", [.int(target), .int(source)])
            let movedGallery = try await tx.execute(
                "UPDATE faces SET person_id = ? WHERE person_id = ? AND person_image_id IS NOT NULL", [.int(target), .int(source)])
            try await tx.execute("UPDATE person_images SET person_id = ? WHERE person_id = ?", [.int(target), .int(source)])
            let images = try await tx.query("SELECT id FROM images WHERE person = ? ORDER BY id FOR UPDATE", [.int(source)])
                .map { try $0.decode("id", as: Int64.self) }
            try await tx.execute("UPDATE images SET person = ? WHERE person = ?", [.int(target), .int(source)])
            try await tx.execute("DELETE FROM person WHERE id = ?", [.int(source)])
            return NamingOutcome(
                personID: target, personName: names[target] ?? "", personCreated: false, facesNamed: Int(moved.affectedRows + movedGallery.affectedRows),
                facesRematched: 0, imagesUpdated: images)
        }
        logger.info(
            "person merged",
            metadata: ["person_id": "\(source)", "into": "\(target)", "faces": "\(outcome.facesNamed)", "images_updated": "\(outcome.imagesUpdated.count)"])
        return outcome
    }

    public func removeFace(faceID: Int64, fromPerson personID: Int64) async throws {
        let unknown = try await pool.transaction { tx -> [Int64] in
            let statements = PeopleStatements(tx: tx)
            guard try await !tx.query("SELECT id FROM person WHERE id = ? FOR UPDATE", [.int(personID)]).isEmpty else {
                throw PeopleLibraryError.notFound("no person with id \(personID)")
            }
            guard let face = try await tx.query(
                "SELECT id, image_id, person_image_id, person_id FROM faces WHERE id = ? FOR UPDATE", [.int(faceID)]).first
            else { throw PeopleLibraryError.notFound("no face with id \(faceID)") }
            let notTheirs = PeopleLibraryError.notFound("face \(faceID) is not one of this person's faces")
            var probeFaces: [Int64] = []
            if let entryID = face["person_image_id"]?.int {
                // A gallery face: its entry goes (the faces row with it); the probe face it came from is unknown again.
                guard let entry = try await tx.query(
                    "SELECT person_id, source_face_id FROM person_images WHERE id = ? FOR UPDATE", [.int(entryID)]).first,
                    entry["person_id"]?.int == personID
                else { throw notTheirs }
                try await tx.execute("DELETE FROM person_images WHERE id = ?", [.int(entryID)])
                if let source = entry["source_face_id"]?.int { probeFaces.append(source) }
            } else {
                guard face["person_id"]?.int == personID else { throw notTheirs }
                probeFaces.append(faceID)
                try await tx.execute(
                    "DELETE FROM person_images WHERE source_face_id = ? AND person_id = ?", [.int(faceID), .int(personID)])
            }
            var images: Set<Int64> = []
            var unknown: [Int64] = []
            for id in probeFaces {
                let rows = try await tx.query("SELECT image_id FROM faces WHERE id = ? AND person_id = ? FOR UPDATE", [.int(id), .int(personID)])
                guard let image = rows.first?["image_id"]?.int else { continue }
                try await tx.execute("UPDATE faces SET person_id = NULL, distance = NULL, group_id = NULL WHERE id = ?", [.int(id)])
                images.insert(image)
                unknown.append(id)
            }
            _ = try await statements.refreshImagePersons(images)
            return unknown
        }
        logger.info("face removed from person", metadata: ["face_id": "\(faceID)", "person_id": "\(personID)"])
        await regroup(unknown)
    }

    public func deletePerson(id: Int64) async throws -> Int {
        let unknown = try await pool.transaction { tx -> [Int64] in
            let statements = PeopleStatements(tx: tx)
            guard try await !tx.query("SELECT id FROM person WHERE id = ? FOR UPDATE", [.int(id)]).isEmpty else {
                throw PeopleLibraryError.notFound("no person with id \(id)")
            }
            let faces = try await tx.query(
                "SELECT id, image_id FROM faces WHERE person_id = ? AND image_id IS NOT NULL ORDER BY id FOR UPDATE", [.int(id)])
            try await tx.execute(
                "UPDATE faces SET person_id = NULL, distance = NULL, group_id = NULL WHERE person_id = ? AND image_id IS NOT NULL",
                [.int(id)])
            // Gallery faces go with their person_images rows (ON DELETE CASCADE); known_people/ files stay.
            try await tx.execute("DELETE FROM person_images WHERE person_id = ?", [.int(id)])
            try await tx.execute("DELETE FROM faces WHERE person_id = ? AND person_image_id IS NOT NULL", [.int(id)])
            let images = try await tx.query("SELECT id FROM images WHERE person = ? ORDER BY id FOR UPDATE", [.int(id)])
            try await tx.execute("DELETE FROM person WHERE id = ?", [.int(id)])
            var touched = Set(try images.map { try $0.decode("id", as: Int64.self) })
            for face in faces { if let image = face["image_id"]?.int { touched.insert(image) } }
            _ = try await statements.refreshImagePersons(touched)
            return try faces.map { try $0.decode("id", as: Int64.self) }
        }
        logger.info("person deleted", metadata: ["person_id": "\(id)", "faces_unknown": "\(unknown.count)"])
        await regroup(unknown)
        return unknown.count
    }

    // MARK: - Reading

    public func unnamedGroups(limit: Int, offset: Int, samplesPerGroup: Int) async throws -> (groups: [UnnamedGroup], total: Int) {
        guard limit >= 0, offset >= 0, samplesPerGroup >= 0 else {
            throw PeopleLibraryError.invalid("limit, offset and samples must not be negative")
        }
        let total = try await pool.query(
            "SELECT COUNT(DISTINCT group_id) AS n FROM faces WHERE group_id IS NOT NULL AND person_id IS NULL"
        ).first?["n"]?.int ?? 0
        let rows = try await pool.query(
            """
            SELECT group_id, COUNT(*) AS n FROM faces WHERE group_id IS NOT NULL AND person_id IS NULL
            GROUP BY group_id ORDER BY n DESC, group_id LIMIT ? OFFSET ?
            """, [.int(Int64(min(limit, 1000))), .int(Int64(offset))])
        let counts = try rows.map { (try $0.decode("group_id", as: Int64.self), try $0.decode("n", as: Int.self)) }
        let samples = try await samples(of: counts.map(\.0), each: samplesPerGroup)
        return (counts.map { UnnamedGroup(id: $0.0, faceCount: $0.1, samples: samples[$0.0] ?? []) }, Int(total))
    }

    public func group(id: Int64, samples count: Int) async throws -> UnnamedGroup? {
        guard count >= 0 else { throw PeopleLibraryError.invalid("samples must not be negative") }
        let faces = try await pool.query(
            "SELECT COUNT(*) AS n FROM faces WHERE group_id = ? AND person_id IS NULL", [.int(id)]
        ).first?["n"]?.int ?? 0
        guard faces > 0 else { return nil }
        return UnnamedGroup(id: id, faceCount: Int(faces), samples: try await samples(of: [id], each: count)[id] ?? [])
    }

    public func suggestPeople(prefix: String, limit: Int) async throws -> [Person] {
        guard limit > 0 else { return [] }
        let trimmed = prefix.trimmingCharacters(in: .whitespacesAndNewlines)
        let pattern = trimmed.replacingOccurrences(of: "!", with: "!!").replacingOccurrences(of: "%", with: "!%")
            .replacingOccurrences(of: "_", with: "!_") + "%"
        let rows = try await pool.query(
            "SELECT id, name FROM person WHERE name LIKE ? ESCAPE '!' ORDER BY name, id LIMIT ?",
            [.string(pattern), .int(Int64(min(limit, 1000)))])
        return try rows.map { Person(id: try $0.decode("id"), name: try $0.decode("name")) }
    }

    // MARK: - Helpers

    private func probeFace(_ id: Int64) async throws -> ProbeFaceRow {
        let rows = try await pool.query(
            "SELECT \(ProbeFaceRow.columns) FROM faces f JOIN images i ON i.id = f.image_id WHERE f.id = ?", [.int(id)])
        if let row = rows.first { return try ProbeFaceRow(row) }
        if try await !pool.query("SELECT id FROM faces WHERE id = ?", [.int(id)]).isEmpty {
            throw PeopleLibraryError.invalid("face \(id) is a gallery face; only faces found in images can be named")
        }
        throw PeopleLibraryError.notFound("no face with id \(id)")
    }

    /// The largest faces of each group, `each` per group.
    private func samples(of groups: [Int64], each: Int) async throws -> [Int64: [GroupFace]] {
        guard !groups.isEmpty, each > 0 else { return [:] }
        let rows = try await pool.query(
            """
            SELECT * FROM (
                SELECT \(ProbeFaceRow.columns), ROW_NUMBER() OVER (
                    PARTITION BY f.group_id
                    ORDER BY (f.box_right - f.box_left) * (f.box_bottom - f.box_top) DESC, f.id) AS sample_rank
                FROM faces f JOIN images i ON i.id = f.image_id
                WHERE f.group_id IN (\(SQLPlaceholders.list(groups.count))) AND f.person_id IS NULL
            ) ranked WHERE sample_rank <= ? ORDER BY group_id, sample_rank
            """, groups.map { .int($0) } + [.int(Int64(min(each, 100)))])
        var samples: [Int64: [GroupFace]] = [:]
        for row in rows {
            let face = try ProbeFaceRow(row)
            if let group = face.groupID { samples[group, default: []].append(face.groupFace) }
        }
        return samples
    }

    /// Faces that became unknown join groups again; a failure leaves them to the backfill.
    private func regroup(_ faceIDs: [Int64]) async {
        guard !faceIDs.isEmpty else { return }
        do {
            _ = try await grouper.group(faceIDs: faceIDs)
        } catch {
            logger.warning("regrouping faces failed; the backfill will group them", metadata: ["faces": "\(faceIDs.count)", "error": "\(error)"])
        }
    }
}
