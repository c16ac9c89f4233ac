import FaceEngine
import Foundation
import Logging
import Metrics
import Models
import MySQL

/// Keeps the in-memory `GalleryIndex` in step with the known people in MySQL.
///
/// Tables (sample layout): `person(id, name)`, `person_images(id, image_name, person_id)` whose
/// `image_name` is a file in the known-people folder, and the gallery faces in `faces` (rows with
/// `person_image_id`). A photo's descriptor is computed once, stored in `faces`, and from then on read
/// back instead of recomputed: again only when the photo's file changes (its mtime is newer than the
/// stored face). Requests never compute gallery descriptors.
///
/// An actor: syncs, enrollments and removals run one at a time, so a photo is never analysed twice
/// concurrently by one process. Searches go to `index` and never wait for the store.
public actor GalleryStore {
    public nonisolated let index: GalleryIndex
    public nonisolated let configuration: GalleryStoreConfiguration
    private let pool: MySQLPool
    private let analyzer: any FaceAnalyzing
    private let logger: Logger
    private let computedCounter = Counter(label: "face_gallery_descriptors_computed_total")
    /// Photos without a usable face, by `person_images.id`, with the file mtime seen: not retried until
    /// the file changes (kept in memory only, so a restart retries them once).
    private var unusable: [Int64: Date?] = [:]
    /// The file mtime each descriptor this process computed came from: a photo is not recomputed for the
    /// same file again even when the database clock lags the file server's.
    private var computedFrom: [Int64: Date] = [:]

    /// Descriptors this store computed since it was created (a restart over the same database computes 0).
    public private(set) var descriptorsComputed = 0
    /// Whether a sync has completed.
    public private(set) var isLoaded = false

    public init(
        pool: MySQLPool, analyzer: any FaceAnalyzing, index: GalleryIndex,
        configuration: GalleryStoreConfiguration, logger: Logger = Logger(label: "FaceGallery")
    ) {
        self.pool = pool
        self.analyzer = analyzer
        self.index = index
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: - Sync

    /// Brings the index in line with the database: computes and stores descriptors for photos that have
    /// none (or whose file changed), then adds and removes index faces to match the `faces` rows. Cheap
    /// when nothing changed; call it at start and periodically.
    @discardableResult
    public func sync() async throws -> GallerySyncReport {
        var report = GallerySyncReport()
        let photos = try await knownPhotos()
        report.knownImages = photos.count
        var faces = try await galleryFaceRows()

        // 1. Photos whose descriptor is missing or stale.
        var facesByPhoto: [Int64: [GalleryFaceRow]] = [:]
        for face in faces { facesByPhoto[face.personImageID, default: []].append(face) }
        var toCompute: [(KnownPhoto, String, Date?)] = []
        for photo in photos {
            // Named from a probe face (people management): the descriptor was copied, there is no file.
            if photo.fromProbeFace { continue }
            guard let path = path(of: photo.imageName) else {
                logger.warning("known photo name is not a plain file name; ignored", metadata: photo.metadata)
                report.unusableImages += 1
                continue
            }
            let modified = Self.modificationDate(path)
            if let stored = facesByPhoto[photo.id], !stored.isEmpty {
                // Computed by another descriptor pipeline (schema 5): not comparable with this one's probes.
                if stored.contains(where: { $0.descriptorVersion != analyzer.descriptorVersion }) {
                    toCompute.append((photo, path, modified))
                    continue
                }
                let storedAt = stored.map(\.createdAt).min() ?? .distantPast
                if let modified, modified > storedAt.addingTimeInterval(1), computedFrom[photo.id] != modified {
                    toCompute.append((photo, path, modified))  // file replaced since its face was stored
                }
                continue
            }
            if let seen = unusable[photo.id], seen == modified {
                report.unusableImages += 1
                continue
            }
            toCompute.append((photo, path, modified))
        }

        // 2. Compute them (a few at a time: the engine has a fixed number of workers).
        if !toCompute.isEmpty {
            let computed = try await computeDescriptors(for: toCompute)
            for (photo, modified, outcome) in computed {
                switch outcome {
                case .success(let stored):
                    unusable[photo.id] = nil
                    computedFrom[photo.id] = modified
                    faces.removeAll { $0.personImageID == photo.id }
                    faces.append(stored)
                    report.descriptorsComputed += 1
                case .failure(let reason):
                    unusable[photo.id] = modified
                    report.unusableImages += 1
                    logger.warning(
                        "known photo has no usable face; skipped until the file changes",
                        metadata: photo.metadata.merging(["reason": "\(reason)"]) { $1 })
                }
            }
        }

        // 3. Match the index to the rows.
        let photosByID = Dictionary(photos.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var wanted: [Int64: GalleryEntry] = [:]
        for face in faces {
            guard let photo = photosByID[face.personImageID] else { continue }  // photo without a person
            wanted[face.id] = GalleryEntry(
                faceID: face.id, personID: photo.personID, personName: photo.personName,
                personImageID: photo.id, imageName: photo.imageName)
        }
        let present = Dictionary(
            index.snapshot().entries.map { ($0.faceID, $0) }, uniquingKeysWith: { first, _ in first })
        report.facesRemoved = index.removeAll { wanted[$0.faceID] != $0 }
        let missing = wanted.filter { present[$0.key] != $0.value }.map(\.key).sorted()
        if !missing.isEmpty {
            let added = try await loadFaces(ids: missing, entries: wanted)
            index.add(added)
            report.facesAdded = added.count
        }
        report.galleryFaces = index.count
        isLoaded = true
        if report.descriptorsComputed > 0 || report.facesAdded > 0 || report.facesRemoved > 0 {
            logger.info(
                "gallery synchronised",
                metadata: [
                    "known_images": "\(report.knownImages)", "computed": "\(report.descriptorsComputed)",
                    "added": "\(report.facesAdded)", "removed": "\(report.facesRemoved)",
                    "unusable": "\(report.unusableImages)", "gallery_faces": "\(report.galleryFaces)",
                ])
        }
        return report
    }

    /// Syncs every `interval` until the task is cancelled; a failed sync is logged and retried next time.
    public func syncPeriodically(every interval: Duration) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                try await sync()
            } catch {
                logger.error("gallery sync failed", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: - Enroll, remove, list

    /// Adds a photo of `personName` (created if new): analyses it, keeps its largest face (so bystanders
    /// are never enrolled), writes the photo into the known-people folder and the rows into MySQL, and
    /// adds the face to the index. Nothing is written when the photo is not an image or shows no face.
    public func enroll(personName rawName: String, photo: [UInt8]) async throws -> Enrollment {
        let personName = try Self.validatedName(rawName)
        let analysis: FaceAnalysis
        do {
            analysis = try await analyzer.analyze(imageData: photo)
        } catch {
            throw GalleryStoreError.image(error)
        }
        guard let (faceIndex, face) = Self.largestFace(of: analysis) else { throw GalleryStoreError.noFace }

        let imageName = "\(KnownPhotoName.slug(personName))_\(UUID().uuidString.prefix(8).lowercased()).\(KnownPhotoName.fileExtension(of: photo))"
        let path = configuration.knownPeopleDirectory + "/" + imageName
        do {
            // A fresh image volume has no known-people folder yet: the first enrollment makes it.
            try FileManager.default.createDirectory(
                atPath: configuration.knownPeopleDirectory, withIntermediateDirectories: true)
            // Atomic: the periodic sync never sees a half-written photo. The UUID in the name avoids clashes.
            try Data(photo).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw GalleryStoreError.storage("\(path): \(error.localizedDescription)")
        }

        do {
            let descriptorBytes = face.descriptor.littleEndianBytes
            let box = face.box
            let descriptorVersion = analyzer.descriptorVersion
            let rows = try await pool.transaction { connection -> (Int64, Bool, Int64, Int64) in
                let existing = try await connection.query(
                    "SELECT id FROM person WHERE name = ? FOR UPDATE", [.string(personName)])
                let personID: Int64
                let created: Bool
                if let id = existing.first?["id"]?.int {
                    personID = id
                    created = false
                } else {
                    personID = Int64(
                        try await connection.execute("INSERT INTO person (name) VALUES (?)", [.string(personName)])
                            .lastInsertID)
                    created = true
                }
                let personImageID = Int64(
                    try await connection.execute(
                        "INSERT INTO person_images (image_name, person_id) VALUES (?, ?)",
                        [.string(imageName), .int(personID)]
                    ).lastInsertID)
                let faceID = Int64(
                    try await connection.execute(
                        """
                        INSERT INTO faces (person_image_id, face_index, box_left, box_top, box_right, box_bottom,
                            descriptor, person_id, descriptor_version)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [
                            .int(personImageID), .int(Int64(faceIndex)), .int(Int64(box.left)), .int(Int64(box.top)),
                            .int(Int64(box.right)), .int(Int64(box.bottom)), .bytes(descriptorBytes), .int(personID),
                            .int(Int64(descriptorVersion)),
                        ]
                    ).lastInsertID)
                return (personID, created, personImageID, faceID)
            }
            let (personID, created, personImageID, faceID) = rows
            index.add([
                GalleryFace(
                    entry: GalleryEntry(
                        faceID: faceID, personID: personID, personName: personName, personImageID: personImageID,
                        imageName: imageName),
                    descriptor: face.descriptor)
            ])
            descriptorsComputed += 1
            computedCounter.increment()
            logger.info(
                "enrolled photo",
                metadata: [
                    "person_id": "\(personID)", "person": "\(personName)", "image_name": "\(imageName)",
                    "faces_detected": "\(analysis.faces.count)",
                ])
            return Enrollment(
                personID: personID, personCreated: created, personImageID: personImageID, imageName: imageName,
                facesDetected: analysis.faces.count, facesEnrolled: 1, box: box)
        } catch {
            try? FileManager.default.removeItem(atPath: path)  // no orphan file for rows that were not written
            throw error
        }
    }

    /// Removes a person, their `person_images` rows and gallery faces (photo files stay on disk).
    public func removePerson(_ reference: PersonReference) async throws -> RemovedPerson {
        let removed = try await pool.transaction { connection -> RemovedPerson in
            let rows: [MySQLRow]
            switch reference {
            case .id(let id): rows = try await connection.query("SELECT id, name FROM person WHERE id = ? FOR UPDATE", [.int(id)])
            case .name(let name):
                rows = try await connection.query("SELECT id, name FROM person WHERE name = ? FOR UPDATE", [.string(name)])
            }
            guard let row = rows.first, let id = row["id"]?.int, let name = row["name"]?.string else {
                throw GalleryStoreError.personNotFound(reference)
            }
            let faces = try await connection.execute(
                "DELETE FROM faces WHERE person_image_id IN (SELECT id FROM person_images WHERE person_id = ?)",
                [.int(id)])
            let images = try await connection.execute("DELETE FROM person_images WHERE person_id = ?", [.int(id)])
            // Photos recognised as this person show nobody now: -1, the sample's "no person". A dangling id
            // would stop the sample's frontend (its per-row `select name from person where id = ?` finds no row).
            _ = try await connection.execute("UPDATE images SET person = -1 WHERE person = ?", [.int(id)])
            _ = try await connection.execute("DELETE FROM person WHERE id = ?", [.int(id)])
            return RemovedPerson(
                id: id, name: name, imagesRemoved: Int(images.affectedRows), facesRemoved: Int(faces.affectedRows))
        }
        index.removeAll { $0.personID == removed.id }
        logger.info("removed person", metadata: ["person_id": "\(removed.id)", "person": "\(removed.name)"])
        return removed
    }

    /// Every person with their photos and gallery face count, by name.
    public func listPeople() async throws -> [KnownPerson] {
        let people = try await pool.query("SELECT id, name FROM person ORDER BY name, id")
        let images = try await pool.query(
            "SELECT person_id, image_name FROM person_images WHERE person_id IS NOT NULL ORDER BY image_name")
        var namesByPerson: [Int64: [String]] = [:]
        for row in images {
            guard let personID = row["person_id"]?.int, let name = row["image_name"]?.string else { continue }
            namesByPerson[personID, default: []].append(name)
        }
        var facesByPerson: [Int64: Int] = [:]
        for entry in index.snapshot().entries { facesByPerson[entry.personID, default: 0] += 1 }
        return people.compactMap { row in
            guard let id = row["id"]?.int, let name = row["name"]?.string else { return nil }
            return KnownPerson(
                id: id, name: name, imageNames: namesByPerson[id] ?? [], galleryFaces: facesByPerson[id] ?? 0)
        }
    }

    // MARK: - Rows

    private func knownPhotos() async throws -> [KnownPhoto] {
        let rows = try await pool.query(
            """
            SELECT pi.id, pi.image_name, pi.person_id, p.name, pi.source_face_id
            FROM person_images pi JOIN person p ON p.id = pi.person_id
            WHERE pi.image_name IS NOT NULL
            ORDER BY pi.id
            """)
        return rows.compactMap { row in
            guard let id = row["id"]?.int, let imageName = row["image_name"]?.string,
                let personID = row["person_id"]?.int, let personName = row["name"]?.string
            else { return nil }
            return KnownPhoto(
                id: id, imageName: imageName, personID: personID, personName: personName,
                fromProbeFace: row["source_face_id"]?.isNull == false)
        }
    }

    /// Gallery face rows without their descriptors (those are read only for faces the index lacks).
    private func galleryFaceRows() async throws -> [GalleryFaceRow] {
        let rows = try await pool.query(
            """
            SELECT id, person_image_id, created_at, COALESCE(descriptor_version, 1) AS descriptor_version
            FROM faces WHERE person_image_id IS NOT NULL ORDER BY id
            """)
        return rows.compactMap { row in
            guard let id = row["id"]?.int, let personImageID = row["person_image_id"]?.int else { return nil }
            return GalleryFaceRow(
                id: id, personImageID: personImageID, createdAt: row["created_at"]?.date ?? .distantPast,
                descriptorVersion: Int(row["descriptor_version"]?.int ?? 1))
        }
    }

    private func loadFaces(ids: [Int64], entries: [Int64: GalleryEntry]) async throws -> [GalleryFace] {
        var faces: [GalleryFace] = []
        faces.reserveCapacity(ids.count)
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(start + 1000, ids.count)])
            start += batch.count
            let placeholders = SQLPlaceholders.list(batch.count)
            let rows = try await pool.query(
                "SELECT id, descriptor FROM faces WHERE id IN (\(placeholders)) ORDER BY id", batch.map { .int($0) })
            for row in rows {
                guard let id = row["id"]?.int, let entry = entries[id] else { continue }
                guard let bytes = row["descriptor"]?.bytes, let descriptor = FaceDescriptor(littleEndianBytes: bytes),
                    descriptor.values.allSatisfy(\.isFinite)
                else {
                    logger.warning("gallery face has an invalid descriptor; ignored", metadata: ["face_id": "\(id)"])
                    continue
                }
                faces.append(GalleryFace(entry: entry, descriptor: descriptor))
            }
        }
        return faces
    }

    // MARK: - Computing descriptors

    private enum ComputeOutcome: Sendable {
        case success(GalleryFaceRow)
        case failure(String)
    }

    private func computeDescriptors(
        for photos: [(KnownPhoto, String, Date?)]
    ) async throws -> [(KnownPhoto, Date?, ComputeOutcome)] {
        let analyzer = self.analyzer
        let limit = configuration.maxConcurrentAnalyses
        var analysed: [(KnownPhoto, Date?, Result<FaceAnalysis, FaceEngineError>)] = []
        await withTaskGroup(of: (KnownPhoto, Date?, Result<FaceAnalysis, FaceEngineError>).self) { group in
            var pending = photos.makeIterator()
            func startNext() -> Bool {
                guard let (photo, path, modified) = pending.next() else { return false }
                group.addTask {
                    do throws(FaceEngineError) {
                        return (photo, modified, .success(try await analyzer.analyze(imageAt: path)))
                    } catch {
                        return (photo, modified, .failure(error))
                    }
                }
                return true
            }
            for _ in 0..<limit {
                if !startNext() { break }
            }
            while let result = await group.next() {
                analysed.append(result)
                _ = startNext()
            }
        }
        var outcomes: [(KnownPhoto, Date?, ComputeOutcome)] = []
        for (photo, modified, result) in analysed.sorted(by: { $0.0.id < $1.0.id }) {
            switch result {
            case .failure(let error):
                outcomes.append((photo, modified, .failure(error.description)))
            case .success(let analysis):
                guard let (faceIndex, face) = Self.largestFace(of: analysis) else {
                    outcomes.append((photo, modified, .failure("no face found")))
                    continue
                }
                let stored = try await store(face, faceIndex: faceIndex, of: photo)
                descriptorsComputed += 1
                computedCounter.increment()
                outcomes.append((photo, modified, .success(stored)))
            }
        }
        return outcomes
    }

    /// Replaces the photo's stored gallery faces with `face`.
    private func store(_ face: DetectedFace, faceIndex: Int, of photo: KnownPhoto) async throws -> GalleryFaceRow {
        let box = face.box
        let bytes = face.descriptor.littleEndianBytes
        let version = analyzer.descriptorVersion
        let id = try await pool.transaction { connection -> Int64 in
            _ = try await connection.execute("DELETE FROM faces WHERE person_image_id = ?", [.int(photo.id)])
            return Int64(
                try await connection.execute(
                    """
                    INSERT INTO faces (person_image_id, face_index, box_left, box_top, box_right, box_bottom,
                        descriptor, person_id, descriptor_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .int(photo.id), .int(Int64(faceIndex)), .int(Int64(box.left)), .int(Int64(box.top)),
                        .int(Int64(box.right)), .int(Int64(box.bottom)), .bytes(bytes), .int(photo.personID),
                        .int(Int64(version)),
                    ]
                ).lastInsertID)
        }
        logger.info("stored gallery descriptor", metadata: photo.metadata.merging(["face_id": "\(id)"]) { $1 })
        return GalleryFaceRow(id: id, personImageID: photo.id, createdAt: Date(), descriptorVersion: version)
    }

    // MARK: - Helpers

    private func path(of imageName: String) -> String? {
        guard KnownPhotoName.isValid(imageName) else { return nil }
        return configuration.knownPeopleDirectory + "/" + imageName
    }

    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The largest face by box area (ties: the detector's more confident one, i.e. the lower index).
    static func largestFace(of analysis: FaceAnalysis) -> (Int, DetectedFace)? {
        var best: (Int, DetectedFace)?
        for (index, face) in analysis.faces.enumerated() {
            let area = face.box.width * face.box.height
            if let current = best, current.1.box.width * current.1.box.height >= area { continue }
            best = (index, face)
        }
        return best
    }

    static func validatedName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw GalleryStoreError.invalidPersonName("the name is empty") }
        guard name.count <= 255 else { throw GalleryStoreError.invalidPersonName("longer than 255 characters") }
        guard !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw GalleryStoreError.invalidPersonName("contains control characters")
        }
        return name
    }
}

/// A `person_images` row joined with its person.
struct KnownPhoto: Sendable {
    var id: Int64
    var imageName: String
    var personID: Int64
    var personName: String
    /// A gallery entry made by naming a probe face (`source_face_id`, schema 4): its `faces` row holds
    /// the probe's descriptor and `image_name` is `<probe path>#face<index>`, not a known_people/ file.
    var fromProbeFace = false

    var metadata: Logger.Metadata {
        ["person_image_id": "\(id)", "image_name": "\(imageName)", "person_id": "\(personID)"]
    }
}

/// A gallery `faces` row without its descriptor.
struct GalleryFaceRow: Sendable {
    var id: Int64
    var personImageID: Int64
    var createdAt: Date
    /// `faces.descriptor_version` (NULL, written before schema 5, is 1).
    var descriptorVersion: Int
}
