import CMySQL

/// An error from the server or the client library, with MySQL's own error number and SQLSTATE, or a
/// failure of the pool itself.
public struct MySQLError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The server or client library reported `number`.
        case server
        /// The pool was shut down.
        case poolClosed
        /// No connection became free within the checkout timeout.
        case checkoutTimeout
        /// The caller's parameters or decoding request did not fit the statement or row.
        case usage
    }

    public var kind: Kind
    /// MySQL/MariaDB error number (e.g. 1062 duplicate key, 2006 server gone away); 0 when not applicable.
    public var number: UInt32
    public var sqlState: String
    public var message: String

    public init(kind: Kind = .server, number: UInt32 = 0, sqlState: String = "HY000", message: String) {
        self.kind = kind
        self.number = number
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        switch kind {
        case .server: "MySQL error \(number) (\(sqlState)): \(message)"
        default: "MySQL pool: \(message)"
        }
    }

    /// Client-side codes meaning the connection is unusable (2002 can't connect via socket, 2003 can't connect,
    /// 2006 server gone away, 2013 lost connection, 2055 lost at reading, 1927 connection killed,
    /// 4031 disconnected by the server for inactivity) and server shutdown codes.
    public var isConnectionLost: Bool {
        kind == .server && [1053, 1077, 1078, 1079, 1080, 1152, 1927, 2002, 2003, 2006, 2013, 2055, 4031].contains(number)
    }

    public var isDuplicateKey: Bool { kind == .server && number == 1062 }
    /// Deadlock or lock wait timeout: the transaction can be retried as a whole.
    public var isRetryableConflict: Bool { kind == .server && (number == 1213 || number == 1205) }
}

extension MySQLError {
    static func fromConnection(_ mysql: UnsafeMutablePointer<MYSQL>) -> MySQLError {
        MySQLError(
            number: mysql_errno(mysql),
            sqlState: String(cString: mysql_sqlstate(mysql)),
            message: String(cString: mysql_error(mysql))
        )
    }

    static func fromStatement(_ stmt: UnsafeMutablePointer<MYSQL_STMT>) -> MySQLError {
        MySQLError(
            number: mysql_stmt_errno(stmt),
            sqlState: String(cString: mysql_stmt_sqlstate(stmt)),
            message: String(cString: mysql_stmt_error(stmt))
        )
    }

    static func usage(_ message: String) -> MySQLError { MySQLError(kind: .usage, message: message) }
}
