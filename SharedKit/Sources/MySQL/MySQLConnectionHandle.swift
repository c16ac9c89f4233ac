/// A leased connection: statements run on it in order, e.g. inside a transaction.
/// Valid only inside the `withConnection`/`transaction` closure that provided it.
public struct MySQLConnectionHandle: Sendable {
    let connection: MySQLConnection
    let pool: MySQLPool

    public func query(_ sql: String, _ parameters: [MySQLValue] = []) async throws -> [MySQLRow] {
        try await perform(sql, parameters).rows
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [MySQLValue] = []) async throws -> MySQLExecuteResult {
        let result = try await perform(sql, parameters)
        return MySQLExecuteResult(affectedRows: result.affectedRows, lastInsertID: result.lastInsertID)
    }

    /// Runs the statement and returns rows plus affected-row count and insert id.
    public func perform(_ sql: String, _ parameters: [MySQLValue] = []) async throws -> MySQLResult {
        let connection = self.connection
        return try await pool.threadPool.runIfActive { try connection.execute(sql, parameters) }
    }

    /// Runs a parameterless statement through the text protocol: transaction control and DDL only.
    public func run(_ sql: String) async throws {
        let connection = self.connection
        try await pool.threadPool.runIfActive { try connection.run(sql) }
    }
}
