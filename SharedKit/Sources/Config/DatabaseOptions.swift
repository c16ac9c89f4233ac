import Foundation
import ArgumentParser
import MySQL

/// Database settings, with the Go sample's flag names (`--db-host`, `--db-port`, `--db-dbname`,
/// `--db-username-password user:pass`) and environment variables (ours and the sample's).
public struct DatabaseOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("db-host"), help: "MySQL host. Env: DB_HOST, MYSQL_CONNECTION. Default: 127.0.0.1")
    public var host: String?

    @Option(name: .customLong("db-port"), help: "MySQL port. Env: DB_PORT, MYSQL_PORT. Default: 3306")
    public var port: String?

    @Option(name: .customLong("db-dbname"), help: "Database name. Env: DB_NAME, MYSQL_DBNAME. Default: kube")
    public var database: String?

    @Option(
        name: .customLong("db-username-password"),
        help: "user:password in one value, as the sample took it. Env: DB_USERNAME_PASSWORD, MYSQL_USERPASSWORD")
    public var usernamePassword: String?

    @Option(name: .customLong("db-user"), help: "MySQL user (overrides --db-username-password's). Env: DB_USER. Default: root")
    public var user: String?

    @Option(
        name: .customLong("db-password-file"),
        help: "File holding the password (a mounted Secret). Env: DB_PASSWORD_FILE. The password may also come from env DB_PASSWORD; it is never a flag so it stays out of process listings.")
    public var passwordFile: String?

    @Option(name: .customLong("db-pool-size"), help: "Connections in the pool. Env: DB_POOL_SIZE. Default: 8")
    public var poolSize: String?

    public init() {}

    public func resolve(_ reader: SettingsReader = SettingsReader()) throws -> MySQLConfiguration {
        let host = reader.string(host, "db-host", env: ["DB_HOST", "MYSQL_CONNECTION"], default: "127.0.0.1")
        let port = try reader.int(port, "db-port", env: ["DB_PORT", "MYSQL_PORT"], default: 3306, range: 1...65535)
        let database = reader.string(database, "db-dbname", env: ["DB_NAME", "MYSQL_DBNAME"], default: "kube")
        var username = "root"
        var password = ""
        if let (combined, source) = reader.raw(
            flag: usernamePassword, flagName: "db-username-password", env: ["DB_USERNAME_PASSWORD", "MYSQL_USERPASSWORD"])
        {
            guard let colon = combined.firstIndex(of: ":"), colon != combined.startIndex else {
                throw ConfigurationError(
                    "invalid \(source): expected user:password (the value is not shown) "
                        + SettingsReader.hint("db-username-password", ["DB_USERNAME_PASSWORD", "MYSQL_USERPASSWORD"]))
            }
            username = String(combined[..<colon])
            password = String(combined[combined.index(after: colon)...])
        }
        if let user = reader.optionalString(user, "db-user", env: ["DB_USER"]) { username = user }
        if let file = reader.optionalString(passwordFile, "db-password-file", env: ["DB_PASSWORD_FILE"]) {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError("cannot read the database password file \(file) (--db-password-file / DB_PASSWORD_FILE)")
            }
            password = contents.trimmingCharacters(in: .newlines)
        } else if let value = reader.environment["DB_PASSWORD"] {
            password = value
        }
        let poolSize = try reader.int(poolSize, "db-pool-size", env: ["DB_POOL_SIZE"], default: 8, range: 1...512)
        guard !database.isEmpty, database.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw ConfigurationError("invalid database name \"\(database)\" (--db-dbname / DB_NAME)")
        }
        return MySQLConfiguration(
            host: host, port: port, database: database, username: username, password: Secret(password),
            poolSize: poolSize)
    }
}
