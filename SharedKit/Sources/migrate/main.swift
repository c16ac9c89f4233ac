import ArgumentParser
import Config
import Foundation
import Logging
import Migrations
import MySQL
import Observability

/// Applies the schema migrations and exits: run by the Kubernetes migration Job and by `make run`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations (safe to run twice, and from two processes at once).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var service: ServiceOptions

    @Option(help: "Migrate up to this version only. Default: the newest.")
    var to: Int?

    @Flag(help: "Print the current schema version and exit.")
    var status = false

    @Option(help: "Seconds to wait for the database to accept connections (a Job may start before MySQL). Env: DB_WAIT_SECONDS. Default: 120")
    var waitSeconds: Int?

    @Option(help: "Seconds to wait for another migrate holding the lock.")
    var lockTimeout: Int = 300

    func run() async throws {
        let reader = SettingsReader()
        let options = try service.resolve(reader)
        LoggingSetup.bootstrap(level: options.logLevel, format: options.logFormat, service: "migrate")
        let logger = Logger(label: "migrate")
        var configuration = try database.resolve(reader)
        configuration.poolSize = 1
        let wait = try reader.int(
            waitSeconds.map(String.init), "wait-seconds", env: ["DB_WAIT_SECONDS"], default: 120, range: 0...3600)
        let pool = MySQLPool(configuration: configuration, logger: logger)
        defer { Task { await pool.shutdown() } }
        try await waitForDatabase(pool, seconds: wait, logger: logger)
        let migrator = Migrator(pool: pool, lockTimeoutSeconds: lockTimeout, logger: logger)
        if status {
            print("schema version \(try await migrator.currentVersion()) (newest known: \(Schema.latestVersion))")
            await pool.shutdown()
            return
        }
        let report = try await migrator.migrate(to: to)
        if report.applied.isEmpty {
            print("schema is up to date at version \(report.version)\(report.waitedForLock ? " (waited for another migrate)" : "")")
        } else {
            print("applied migrations \(report.applied.map(String.init).joined(separator: ", ")); schema version \(report.version)")
        }
        await pool.shutdown()
    }

    private func waitForDatabase(_ pool: MySQLPool, seconds: Int, logger: Logger) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            do {
                _ = try await pool.query("SELECT 1")
                return
            } catch {
                if ContinuousClock.now >= deadline { throw error }
                logger.info("waiting for the database", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}

await CommandRunner.run(MigrateCommand.self)
