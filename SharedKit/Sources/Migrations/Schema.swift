/// Every schema version, oldest first. Append only: never edit an applied migration.
///
/// Expand/contract: a migration may add tables, nullable or defaulted columns and indexes (expand); it may
/// not drop, rename or retype anything the previous version of a service still reads or writes. Removals
/// happen one release later (contract), once no running version uses the thing. During a rolling update
/// version N-1 and N of every service run side by side on schema N.
public enum Schema {
    public static let migrations: [Migration] = [sampleTables, pipeline, noPersonIsMinusOne, peopleManagement, descriptorVersion]

    public static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Version 1: the Go sample's tables, unchanged, so an existing sample database is adopted as is.
    static let sampleTables = Migration(
        version: 1,
        name: "sample tables (images, person, person_images)",
        statements: [
            """
            CREATE TABLE IF NOT EXISTS images (
                id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                path VARCHAR(255) NOT NULL,
                person INT,
                status INT
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
            """
            CREATE TABLE IF NOT EXISTS person (
                id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                name VARCHAR(255) NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
            """
            CREATE TABLE IF NOT EXISTS person_images (
                id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                image_name VARCHAR(255),
                person_id INT
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
        ],
        queries: SampleContract.queries
    )

    /// Version 2: what a real pipeline needs, added without breaking version 1 readers and writers.
    static let pipeline = Migration(
        version: 2,
        name: "pipeline: unique paths, timestamps, retries, leases, faces",
        statements: [
            // Byte-exact unique paths (file systems are case-sensitive). Old rows with NULL status become pending.
            "UPDATE images SET status = 0 WHERE status IS NULL",
            """
            ALTER TABLE images
                MODIFY path VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                MODIFY status INT NOT NULL DEFAULT 0,
                ADD COLUMN IF NOT EXISTS created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                ADD COLUMN IF NOT EXISTS updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
                ADD COLUMN IF NOT EXISTS attempts INT NOT NULL DEFAULT 0,
                ADD COLUMN IF NOT EXISTS last_error TEXT NULL,
                ADD COLUMN IF NOT EXISTS lease_owner VARCHAR(128) NULL,
                ADD COLUMN IF NOT EXISTS lease_expires_at DATETIME(6) NULL,
                ADD COLUMN IF NOT EXISTS next_attempt_at DATETIME(6) NULL,
                ADD COLUMN IF NOT EXISTS queued_at DATETIME(6) NULL
            """,
            "CREATE UNIQUE INDEX IF NOT EXISTS images_path_unique ON images (path)",
            "CREATE INDEX IF NOT EXISTS images_status_due ON images (status, next_attempt_at)",
            "CREATE INDEX IF NOT EXISTS images_status_lease ON images (status, lease_expires_at)",
            "CREATE INDEX IF NOT EXISTS images_person ON images (person)",
            "CREATE UNIQUE INDEX IF NOT EXISTS person_name_unique ON person (name)",
            """
            ALTER TABLE person_images
                ADD COLUMN IF NOT EXISTS created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
            """,
            "CREATE INDEX IF NOT EXISTS person_images_name ON person_images (image_name)",
            "CREATE INDEX IF NOT EXISTS person_images_person ON person_images (person_id)",
            """
            CREATE TABLE IF NOT EXISTS faces (
                id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                image_id INT NULL,
                person_image_id INT NULL,
                face_index INT NOT NULL,
                box_left INT NOT NULL,
                box_top INT NOT NULL,
                box_right INT NOT NULL,
                box_bottom INT NOT NULL,
                descriptor BLOB NOT NULL,
                person_id INT NULL,
                distance DOUBLE NULL,
                created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                UNIQUE KEY faces_image_index (image_id, face_index),
                UNIQUE KEY faces_person_image_index (person_image_id, face_index),
                KEY faces_person (person_id),
                CONSTRAINT faces_image_fk FOREIGN KEY (image_id) REFERENCES images (id) ON DELETE CASCADE,
                CONSTRAINT faces_person_image_fk FOREIGN KEY (person_image_id) REFERENCES person_images (id) ON DELETE CASCADE,
                CONSTRAINT faces_one_owner CHECK ((image_id IS NULL) <> (person_image_id IS NULL))
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
        ],
        queries: [
            CompatibilityQuery(
                "receiver: store image idempotently",
                "INSERT INTO images (path, status) VALUES (?, 0) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
                [.string("compat/v2.jpg")]),
            CompatibilityQuery(
                "processor: claim",
                """
                UPDATE images SET status = 3, lease_owner = ?, lease_expires_at = NOW(6) + INTERVAL 60 SECOND,
                    attempts = attempts + 1
                WHERE id = ? AND (status = 0 OR (status = 3 AND lease_expires_at < NOW(6)))
                """,
                [.string("compat-worker"), .int(1)]),
            CompatibilityQuery(
                "processor: store face",
                """
                INSERT INTO faces (image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, person_id, distance)
                VALUES (?, 0, 1, 2, 3, 4, ?, NULL, NULL)
                """,
                [.int(1), .string("descriptor")]),
            CompatibilityQuery(
                "frontend: list images",
                """
                SELECT i.id, i.path, i.person, i.status, i.attempts, i.last_error, i.created_at, p.name
                FROM images i LEFT JOIN person p ON p.id = i.person ORDER BY i.id DESC LIMIT ?
                """,
                [.int(50)]),
        ]
    )

    /// Version 3: `images.person` is -1 for "no person", never NULL, as the sample's services require (they
    /// scan it into a non-null int: a NULL stops the sample's frontend, and its processor cannot read the
    /// row). Expand step, N-1 safe:
    /// - `DEFAULT -1`: rows inserted without a person (the previous receiver's `INSERT ... (path, status)`)
    ///   get -1.
    /// - Existing NULLs become -1 (`updated_at` kept: the image did not change).
    /// The column stays nullable: the previous processor writes `person = NULL` for "nobody" until it is
    /// replaced, and `NOT NULL` would make that fail (strict mode) or store 0. Such rows read as nobody in
    /// every service of ours. No trigger turns that NULL into -1: a `BEFORE UPDATE` trigger on `images`
    /// makes MariaDB report insert id 0 for `INSERT ... ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)`,
    /// which the receiver relies on for a re-posted path. Contract step, next release (no running version
    /// writes NULL any more): convert NULLs again, then `MODIFY person INT NOT NULL DEFAULT -1`.
    static let noPersonIsMinusOne = Migration(
        version: 3,
        name: "images.person: -1 for no person (default -1, existing NULLs converted)",
        statements: [
            "ALTER TABLE images ALTER COLUMN person SET DEFAULT -1",
            "UPDATE images SET person = -1, updated_at = updated_at WHERE person IS NULL",
        ],
        queries: [
            CompatibilityQuery(
                "receiver: store image idempotently",
                "INSERT INTO images (path, person, status) VALUES (?, -1, 0) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
                [.string("compat/v3.jpg")]),
        ]
    )

    /// Version 4: people management (issue #16). Expand only: a new table and nullable columns, so the
    /// previous services and the Go sample (which list their columns) keep working unchanged.
    /// - `face_groups`: clusters of unknown probe faces; `centroid` is the running mean of the members'
    ///   descriptors (512 bytes, 128 little-endian float32), `updated_at` lets every grouper refresh its
    ///   in-memory centroid cache incrementally.
    /// - `faces.group_id`: the group of an unknown face; NULL for matched faces, gallery faces, faces too
    ///   small to group and faces not grouped yet. A deleted group leaves its faces ungrouped.
    /// - `faces (group_id, person_id, id)`: the backfill's keyset scan of ungrouped unknown faces.
    /// - `person_images.source_face_id`: a gallery entry made by naming a probe face points at that face
    ///   (its crop, "remove this face"); NULL for the sample's `known_people/` files. No foreign key on
    ///   purpose: the column also marks the entry as "no file, descriptor copied" for FaceRecognition, and
    ///   that must survive the probe image's deletion (the entry keeps its own copy of the descriptor).
    static let peopleManagement = Migration(
        version: 4,
        name: "people management: face groups, faces.group_id, person_images.source_face_id",
        statements: [
            """
            CREATE TABLE IF NOT EXISTS face_groups (
                id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                centroid BLOB NOT NULL,
                face_count INT NOT NULL DEFAULT 0,
                created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
                KEY face_groups_updated (updated_at)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
            "ALTER TABLE faces ADD COLUMN IF NOT EXISTS group_id BIGINT NULL",
            "CREATE INDEX IF NOT EXISTS faces_group_person ON faces (group_id, person_id, id)",
            """
            ALTER TABLE faces ADD CONSTRAINT faces_group_fk FOREIGN KEY IF NOT EXISTS (group_id)
                REFERENCES face_groups (id) ON DELETE SET NULL
            """,
            "ALTER TABLE person_images ADD COLUMN IF NOT EXISTS source_face_id BIGINT NULL",
            "CREATE INDEX IF NOT EXISTS person_images_source_face ON person_images (source_face_id)",
        ],
        queries: [
            CompatibilityQuery(
                "grouper: new group",
                "INSERT INTO face_groups (centroid, face_count) VALUES (?, 1)",
                [.bytes([UInt8](repeating: 0, count: 512))]),
            CompatibilityQuery(
                "grouper: refresh centroids",
                "SELECT id, centroid, face_count, updated_at FROM face_groups WHERE updated_at >= ? ORDER BY id",
                [.string("2000-01-01 00:00:00")]),
            CompatibilityQuery(
                "grouper: join group",
                "UPDATE faces SET group_id = ? WHERE id = ? AND person_id IS NULL AND group_id IS NULL",
                [.int(1), .int(1)]),
            CompatibilityQuery(
                "backfill: ungrouped unknown faces",
                """
                SELECT id, image_id, box_left, box_top, box_right, box_bottom FROM faces
                WHERE group_id IS NULL AND person_id IS NULL AND id > ? ORDER BY id LIMIT ?
                """,
                [.int(0), .int(100)]),
            CompatibilityQuery(
                "people: gallery entry from a probe face",
                "INSERT INTO person_images (image_name, person_id, source_face_id) VALUES (?, ?, ?)",
                [.string("compat/sample.jpg#face0"), .int(1), .int(1)]),
        ]
    )

    /// Version 5: `faces.descriptor_version`, which pipeline computed a stored descriptor (issue #15). NULL is
    /// version 1 (the sample's: the plain aligned chip), what every earlier service wrote; 2 is the
    /// mirror-averaged chip (FaceRecognition `--mirror-average 1`). FaceRecognition recomputes gallery faces
    /// whose version differs from its own on sync, so its gallery never mixes versions. Expand only: a
    /// nullable column that the previous services (and the Go sample) do not list.
    static let descriptorVersion = Migration(
        version: 5,
        name: "faces.descriptor_version (NULL = 1)",
        statements: [
            "ALTER TABLE faces ADD COLUMN IF NOT EXISTS descriptor_version INT NULL"
        ],
        queries: [
            CompatibilityQuery(
                "face-recognition: gallery face rows with their descriptor version",
                """
                SELECT id, person_image_id, created_at, COALESCE(descriptor_version, 1) AS descriptor_version
                FROM faces WHERE person_image_id IS NOT NULL ORDER BY id
                """),
        ]
    )
}
