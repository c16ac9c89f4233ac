import Foundation
import FrontendApp
import ImageFiles
import Logging
import Models
import MySQL
import Observability
import Prometheus
import SharedTestSupport

/// A fresh migrated database with images in every status, people, gallery and probe faces, and an image
/// root holding real photos from `.cache/photos`; the frontend's dependencies over both.
struct SeededFrontend {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let photos = repositoryRoot + "/.cache/photos"

    /// Face boxes of the six people in t1.jpg (1280x886), in original pixels.
    static let friendsBoxes: [(name: String?, box: FaceBox, distance: Double?)] = [
        ("Rachel", FaceBox(left: 62, top: 280, right: 160, bottom: 378), 0.38),
        (nil, FaceBox(left: 285, top: 150, right: 380, bottom: 250), nil),
        ("Ross", FaceBox(left: 468, top: 275, right: 578, bottom: 385), 0.45),
        (nil, FaceBox(left: 748, top: 345, right: 850, bottom: 447), nil),
        ("Joey", FaceBox(left: 915, top: 75, right: 1030, bottom: 190), 0.52),
        ("<script>alert('name')</script>", FaceBox(left: 1135, top: 285, right: 1230, bottom: 380), 0.58),
    ]
    static let scriptPath = "uploads/<script>alert('path')</script>.jpg"
    static let scriptName = "<script>alert('name')</script>"

    let pool: MySQLPool
    let root: String
    let health: HealthState
    var people: [String: Int64] = [:]
    var images: [String: Int64] = [:]

    static func make(bulkPending: Int = 0) async throws -> SeededFrontend {
        guard FileManager.default.fileExists(atPath: photos + "/t1.jpg") else {
            throw TestSupportError("test photos missing in \(photos): run scripts/fetch-test-data.sh (make test does)")
        }
        let pool = try await TestDatabase.shared.makeFreshDatabase(label: "frontend")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("frontend-root-\(UUID().uuidString.prefix(8))").path
        var seeded = SeededFrontend(pool: pool, root: root, health: HealthState())
        try seeded.makeImageRoot()
        try await seeded.seed(bulkPending: bulkPending)
        return seeded
    }

    func dependencies(store: (any FrontendStore)? = nil) -> FrontendDependencies {
        FrontendDependencies(
            store: store ?? MySQLFrontendStore(pool: pool), imageRoot: ImageRoot(path: root), knownPeoplePrefix: "known_people",
            health: health, registry: PrometheusCollectorRegistry())
    }

    func shutdown() async {
        await pool.shutdown()
        try? FileManager.default.removeItem(atPath: root)
    }

    private func makeImageRoot() throws {
        let fm = FileManager.default
        for folder in ["known_people", "uploads", "broken"] {
            try fm.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try fm.copyItem(atPath: Self.photos + "/t1.jpg", toPath: root + "/t1.jpg")
        try fm.copyItem(atPath: Self.photos + "/obama.jpg", toPath: root + "/obama.jpg")
        try fm.copyItem(atPath: Self.photos + "/Tom_Hanks_54745.png", toPath: root + "/uploads/hanks one.png")
        try fm.copyItem(atPath: Self.photos + "/t1.jpg", toPath: root + "/known_people/friends.jpg")
        try fm.copyItem(atPath: Self.photos + "/obama.jpg", toPath: root + "/known_people/obama.jpg")
        // The path with a <script> in it exists too, so its page shows the photo (and escapes its name).
        try fm.createDirectory(atPath: root + "/uploads/<script>alert('path')<", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Self.photos + "/obama.jpg", toPath: root + "/" + Self.scriptPath)
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: root + "/broken/bad.png"))
        // Outside the root, reachable only through a symbolic link: must be refused.
        try Data("secret".utf8).write(to: URL(fileURLWithPath: root + "-outside.jpg"))
        try fm.createSymbolicLink(atPath: root + "/uploads/escape.jpg", withDestinationPath: root + "-outside.jpg")
    }

    private mutating func seed(bulkPending: Int) async throws {
        for name in ["Rachel", "Ross", "Joey", "Barack Obama", Self.scriptName, "Gunther"] {
            people[name] = try await insert("INSERT INTO person (name) VALUES (?)", [.string(name)])
        }
        // Gallery: the friends photo (one face per friend) and Obama's portrait; Gunther has none.
        let friendsPhoto = try await insert(
            "INSERT INTO person_images (image_name, person_id) VALUES (?, ?)", [.string("friends.jpg"), .int(people["Rachel"]!)])
        for (index, face) in Self.friendsBoxes.enumerated() {
            guard let name = face.name else { continue }
            try await insertFace(personImage: friendsPhoto, index: index, box: face.box, person: people[name], distance: nil)
        }
        let obamaPhoto = try await insert(
            "INSERT INTO person_images (image_name, person_id) VALUES (?, ?)", [.string("obama.jpg"), .int(people["Barack Obama"]!)])
        try await insertFace(
            personImage: obamaPhoto, index: 0, box: FaceBox(left: 355, top: 120, right: 625, bottom: 390),
            person: people["Barack Obama"], distance: nil)

        for i in 0..<bulkPending {
            images["bulk\(i)"] = try await insertImage("bulk/photo-\(String(format: "%03d", i)).jpg", status: .pending)
        }
        images["t1"] = try await insertImage("t1.jpg", status: .processed, person: people["Rachel"], attempts: 1)
        for (index, face) in Self.friendsBoxes.enumerated() {
            try await insertFace(
                image: images["t1"]!, index: index, box: face.box, person: face.name.flatMap { people[$0] },
                distance: face.distance)
        }
        images["obama"] = try await insertImage("obama.jpg", status: .processed, person: people["Barack Obama"], attempts: 1)
        try await insertFace(
            image: images["obama"]!, index: 0, box: FaceBox(left: 355, top: 120, right: 625, bottom: 390),
            person: people["Barack Obama"], distance: 0.21)
        images["script"] = try await insertImage(Self.scriptPath, status: .processed, person: people[Self.scriptName], attempts: 1)
        images["failed"] = try await insertImage(
            "broken/bad.png", status: .failed, attempts: 3, lastError: "cannot decode image: <b>not a PNG</b>")
        images["processing"] = try await insertImage("uploads/hanks one.png", status: .processing, attempts: 1)
        images["pending"] = try await insertImage("uploads/new.jpg", status: .pending)
    }

    private func insert(_ sql: String, _ parameters: [MySQLValue]) async throws -> Int64 {
        Int64(try await pool.execute(sql, parameters).lastInsertID)
    }

    private func insertImage(
        _ path: String, status: ImageStatus, person: Int64? = nil, attempts: Int = 0, lastError: String? = nil
    ) async throws -> Int64 {
        try await insert(
            "INSERT INTO images (path, person, status, attempts, last_error) VALUES (?, ?, ?, ?, ?)",
            // -1 for nobody, as every service writes it (the sample's value; never NULL).
            [.string(path), .int(person ?? -1), .int(Int64(status.rawValue)), .int(Int64(attempts)), MySQLValue(lastError)])
    }

    private func insertFace(
        image: Int64? = nil, personImage: Int64? = nil, index: Int, box: FaceBox, person: Int64?, distance: Double?
    ) async throws {
        _ = try await insert(
            """
            INSERT INTO faces (image_id, person_image_id, face_index, box_left, box_top, box_right, box_bottom,
                descriptor, person_id, distance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                MySQLValue(image), MySQLValue(personImage), .int(Int64(index)), .int(Int64(box.left)), .int(Int64(box.top)),
                .int(Int64(box.right)), .int(Int64(box.bottom)), .bytes([UInt8](repeating: 0, count: 512)),
                MySQLValue(person), MySQLValue(distance),
            ])
    }
}
