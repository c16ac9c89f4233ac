import Foundation
import Logging
import Migrations
import MySQL

/// The MariaDB server shared by a test process, and fresh databases on it.
///
/// `make test` starts one server for every package and exports TEST_MYSQL_HOST/PORT/USER/PASSWORD;
/// without them (a bare `swift test`), the first test to ask starts a private server that is killed
/// when the test process exits.
public actor TestDatabase {
    public static let shared = TestDatabase()

    private var admin: MySQLConfiguration?
    private var ownServer: MariaDBServer?

    private var starting: Task<MySQLConfiguration, any Error>?

    /// Settings of an account that may create databases; `database` is empty.
    /// Concurrent first callers share one start (actor methods interleave at `await`).
    public func adminConfiguration() async throws -> MySQLConfiguration {
        if let admin { return admin }
        if let starting { return try await starting.value }
        let task = Task { try await self.resolveAdmin() }
        starting = task
        do {
            let configuration = try await task.value
            admin = configuration
            return configuration
        } catch {
            starting = nil
            throw error
        }
    }

    private func resolveAdmin() async throws -> MySQLConfiguration {
        let env = ProcessInfo.processInfo.environment
        if let port = env["TEST_MYSQL_PORT"].flatMap(Int.init) {
            return MySQLConfiguration(
                host: env["TEST_MYSQL_HOST"] ?? "127.0.0.1", port: port, database: "",
                username: env["TEST_MYSQL_USER"] ?? "test", password: Secret(env["TEST_MYSQL_PASSWORD"] ?? ""))
        }
        let server = try await MariaDBServer.start()
        ownServer = server
        TestServerReaper.register(server)
        return server.configuration()
    }

    /// Creates an empty database with a unique name, migrated to the latest schema unless `migrated` is false,
    /// and returns a pool on it. Call `shutdown()` on the pool when done.
    public func makeFreshDatabase(migrated: Bool = true, poolSize: Int = 8, label: String = "t") async throws -> MySQLPool {
        var configuration = try await adminConfiguration()
        let name = "\(label.prefix(20))_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16))"
            .lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }
        let adminPool = MySQLPool(configuration: configuration, logger: Logger(label: "test-admin"))
        try await adminPool.withConnection { try await $0.run("CREATE DATABASE `\(name)` CHARACTER SET utf8mb4") }
        await adminPool.shutdown()
        configuration.database = name
        configuration.poolSize = poolSize
        let pool = MySQLPool(configuration: configuration, logger: Logger(label: "test-db"))
        if migrated {
            _ = try await Migrator(pool: pool).migrate()
        }
        return pool
    }
}

/// Kills servers a test process started itself when the process exits, so none is left behind.
enum TestServerReaper {
    nonisolated(unsafe) private static var servers: [MariaDBServer] = []
    private static let lock = NSLock()
    private static let installed: Bool = {
        atexit { TestServerReaper.reapAll() }
        return true
    }()

    static func register(_ server: MariaDBServer) {
        _ = installed
        lock.withLock { servers.append(server) }
    }

    static func reapAll() {
        let all = lock.withLock { servers }
        for server in all { server.destroy() }
    }
}
