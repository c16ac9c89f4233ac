import CMySQL
import Foundation

/// The result of running one statement.
public struct MySQLResult: Sendable {
    public var columns: [String]
    public var rows: [MySQLRow]
    public var affectedRows: UInt64
    public var lastInsertID: UInt64
}

/// What `execute` reports for statements without a result set.
public struct MySQLExecuteResult: Sendable, Equatable {
    public var affectedRows: UInt64
    public var lastInsertID: UInt64
}

private let libraryInitialised: Bool = {
    mysql_server_init(0, nil, nil) == 0
}()

/// One client connection. Every method blocks, so it is only ever called from the pool's dedicated
/// thread pool, and by one caller at a time (the pool hands a connection to a single lease).
final class MySQLConnection: @unchecked Sendable {
    private let mysql: UnsafeMutablePointer<MYSQL>
    private var statements: [String: UnsafeMutablePointer<MYSQL_STMT>] = [:]
    private static let statementCacheLimit = 256
    /// Set when an error says the link is gone; the pool then discards the connection.
    private(set) var isBroken = false
    var lastUsed = ContinuousClock.now
    var epoch = 0

    init(configuration: MySQLConfiguration) throws {
        precondition(libraryInitialised, "mysql_server_init failed")
        guard let mysql = mysql_init(nil) else {
            throw MySQLError(message: "mysql_init failed: out of memory")
        }
        self.mysql = mysql
        var connectTimeout = configuration.connectTimeoutSeconds
        var ioTimeout = configuration.ioTimeoutSeconds
        mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &ioTimeout)
        mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &ioTimeout)
        mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        // UTC everywhere, and strict mode so bad data is an error rather than a silent truncation.
        mysql_options(
            mysql, MYSQL_INIT_COMMAND,
            "SET time_zone = '+00:00', sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'"
        )
        let connected = mysql_real_connect(
            mysql, configuration.host, configuration.username, configuration.password.value,
            configuration.database.isEmpty ? nil : configuration.database, UInt32(configuration.port), nil,
            0
        )
        if connected == nil {
            // deinit closes the handle: self is fully initialised at this point.
            throw MySQLError.fromConnection(mysql)
        }
    }

    deinit {
        for stmt in statements.values { mysql_stmt_close(stmt) }
        mysql_close(mysql)
    }

    func ping() -> Bool {
        let ok = mysql_ping(mysql) == 0
        if !ok { isBroken = true }
        return ok
    }

    /// Runs a statement without parameters through the text protocol (transaction control, DDL).
    func run(_ sql: String) throws {
        if mysql_real_query(mysql, sql, UInt(sql.utf8.count)) != 0 {
            throw note(MySQLError.fromConnection(mysql))
        }
        // Drain any result set so the connection stays usable.
        repeat {
            if let result = mysql_store_result(mysql) { mysql_free_result(result) }
        } while mysql_next_result(mysql) == 0
    }

    private func note(_ error: MySQLError) -> MySQLError {
        if error.isConnectionLost { isBroken = true }
        return error
    }

    private func statement(for sql: String) throws -> UnsafeMutablePointer<MYSQL_STMT> {
        if let cached = statements[sql] { return cached }
        if statements.count >= Self.statementCacheLimit {
            for stmt in statements.values { mysql_stmt_close(stmt) }
            statements.removeAll()
        }
        guard let stmt = mysql_stmt_init(mysql) else { throw note(MySQLError.fromConnection(mysql)) }
        if mysql_stmt_prepare(stmt, sql, UInt(sql.utf8.count)) != 0 {
            let error = MySQLError.fromStatement(stmt)
            mysql_stmt_close(stmt)
            throw note(error)
        }
        var updateMaxLength: my_bool = 1
        mysql_stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &updateMaxLength)
        statements[sql] = stmt
        return stmt
    }

    private func dropStatement(_ sql: String) {
        if let stmt = statements.removeValue(forKey: sql) { mysql_stmt_close(stmt) }
    }

    /// Prepares (or reuses) the statement, binds `parameters`, executes it and reads every row.
    func execute(_ sql: String, _ parameters: [MySQLValue]) throws -> MySQLResult {
        let stmt = try statement(for: sql)
        do {
            return try execute(stmt, parameters)
        } catch let error as MySQLError {
            // A failed statement handle may be in an undefined state: prepare it afresh next time.
            dropStatement(sql)
            throw note(error)
        }
    }

    private func execute(_ stmt: UnsafeMutablePointer<MYSQL_STMT>, _ parameters: [MySQLValue]) throws -> MySQLResult {
        let expected = Int(mysql_stmt_param_count(stmt))
        guard expected == parameters.count else {
            throw MySQLError.usage("statement takes \(expected) parameters, \(parameters.count) given")
        }
        let params = ParameterBinds(parameters)
        defer { params.deallocate() }
        if expected > 0, mysql_stmt_bind_param(stmt, params.binds) != 0 {
            throw MySQLError.fromStatement(stmt)
        }
        if mysql_stmt_execute(stmt) != 0 {
            throw MySQLError.fromStatement(stmt)
        }
        let affected = UInt64(mysql_stmt_affected_rows(stmt))
        let insertID = UInt64(mysql_stmt_insert_id(stmt))
        let fieldCount = Int(mysql_stmt_field_count(stmt))
        guard fieldCount > 0 else {
            return MySQLResult(columns: [], rows: [], affectedRows: affected, lastInsertID: insertID)
        }
        defer { mysql_stmt_free_result(stmt) }
        if mysql_stmt_store_result(stmt) != 0 {
            throw MySQLError.fromStatement(stmt)
        }
        guard let metadata = mysql_stmt_result_metadata(stmt) else {
            throw MySQLError.fromStatement(stmt)
        }
        defer { mysql_free_result(metadata) }
        guard let fields = mysql_fetch_fields(metadata) else { throw MySQLError.fromStatement(stmt) }
        let columns = (0..<fieldCount).map { String(cString: fields[$0].name) }
        let results = ResultBinds(fields: fields, count: fieldCount)
        defer { results.deallocate() }
        if mysql_stmt_bind_result(stmt, results.binds) != 0 {
            throw MySQLError.fromStatement(stmt)
        }
        var rows: [MySQLRow] = []
        rows.reserveCapacity(Int(mysql_stmt_num_rows(stmt)))
        while true {
            let status = mysql_stmt_fetch(stmt)
            if status == MYSQL_NO_DATA { break }
            if status == 1 { throw MySQLError.fromStatement(stmt) }
            // MYSQL_DATA_TRUNCATED is handled per column by re-fetching into a larger buffer.
            let values = try (0..<fieldCount).map { try results.value(at: $0, stmt: stmt) }
            rows.append(MySQLRow(columns: columns, values: values))
        }
        return MySQLResult(columns: columns, rows: rows, affectedRows: affected, lastInsertID: insertID)
    }
}
