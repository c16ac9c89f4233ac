import Logging
import MySQL

/// What a `migrate` run did.
public struct MigrationReport: Sendable, Equatable {
    /// Versions this run applied, in order.
    public var applied: [Int]
    /// Schema version after the run.
    public var version: Int
    /// Whether another process held the migration lock when this run started.
    public var waitedForLock: Bool
}

/// Applies pending migrations under a named server lock (`GET_LOCK`), so two processes (a Job and a
/// developer, two replicas) never apply the same step twice: one applies, the other waits, then finds
/// nothing left to do.
public struct Migrator: Sendable {
    public let pool: MySQLPool
    public let migrations: [Migration]
    public let lockTimeoutSeconds: Int
    let logger: Logger

    public init(
        pool: MySQLPool, migrations: [Migration] = Schema.migrations, lockTimeoutSeconds: Int = 300,
        logger: Logger = Logger(label: "migrate")
    ) {
        self.pool = pool
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.lockTimeoutSeconds = lockTimeoutSeconds
        self.logger = logger
    }

    static let createHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INT NOT NULL PRIMARY KEY,
            name VARCHAR(255) NOT NULL,
            checksum VARCHAR(32) NOT NULL,
            applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """

    /// Applies every migration up to `target` (default: all) that is not recorded yet.
    public func migrate(to target: Int? = nil) async throws -> MigrationReport {
        let target = target ?? migrations.last?.version ?? 0
        return try await pool.withConnection { connection in
            // The lock is per database, so test databases on one server do not serialise each other.
            let lockName = "schema_migrations:" + (try await connection.query("SELECT DATABASE() AS db").first?["db"]?.string ?? "")
            var waited = false
            var got = try await connection.query("SELECT GET_LOCK(?, 0) AS got", [.string(lockName)]).first?["got"]?.int
            if got != 1 {
                waited = true
                logger.info("another process is migrating; waiting for the lock", metadata: ["lock": "\(lockName)"])
                got = try await connection.query(
                    "SELECT GET_LOCK(?, ?) AS got", [.string(lockName), .int(Int64(lockTimeoutSeconds))]
                ).first?["got"]?.int
            }
            guard got == 1 else {
                throw MigrationError.lockTimeout(seconds: lockTimeoutSeconds)
            }
            do {
                let report = try await applyPending(on: connection, upTo: target, waited: waited)
                _ = try await connection.query("SELECT RELEASE_LOCK(?) AS released", [.string(lockName)])
                return report
            } catch {
                _ = try? await connection.query("SELECT RELEASE_LOCK(?) AS released", [.string(lockName)])
                throw error
            }
        }
    }

    /// The highest applied version (0 for an empty database).
    public func currentVersion() async throws -> Int {
        try await pool.withConnection { connection in
            try await connection.run(Self.createHistoryTable)
            return try await appliedVersions(connection).keys.max() ?? 0
        }
    }

    private func appliedVersions(_ connection: MySQLConnectionHandle) async throws -> [Int: String] {
        var applied: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM schema_migrations") {
            applied[try row.decode("version", as: Int.self)] = try row.decode("checksum", as: String.self)
        }
        return applied
    }

    private func applyPending(on connection: MySQLConnectionHandle, upTo target: Int, waited: Bool) async throws
        -> MigrationReport
    {
        try await connection.run(Self.createHistoryTable)
        let applied = try await appliedVersions(connection)
        var newlyApplied: [Int] = []
        for migration in migrations where migration.version <= target {
            if let checksum = applied[migration.version] {
                if checksum != migration.checksum {
                    logger.warning(
                        "applied migration differs from its current text; migrations must never be edited",
                        metadata: ["version": "\(migration.version)"])
                }
                continue
            }
            logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            for statement in migration.statements {
                do {
                    try await connection.run(statement)
                } catch {
                    throw MigrationError.statementFailed(version: migration.version, statement: statement, underlying: error)
                }
            }
            try await connection.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)",
                [.int(Int64(migration.version)), .string(migration.name), .string(migration.checksum)])
            newlyApplied.append(migration.version)
        }
        let version = max(applied.keys.max() ?? 0, newlyApplied.max() ?? 0)
        if newlyApplied.isEmpty {
            logger.info("schema is up to date", metadata: ["version": "\(version)"])
        }
        return MigrationReport(applied: newlyApplied, version: version, waitedForLock: waited)
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case lockTimeout(seconds: Int)
    case statementFailed(version: Int, statement: String, underlying: any Error)

    public var description: String {
        switch self {
        case .lockTimeout(let seconds):
            "could not take the migration lock within \(seconds) s (another migrate still running?)"
        case .statementFailed(let version, let statement, let underlying):
            "migration \(version) failed: \(underlying)\nstatement: \(statement)"
        }
    }
}
