import MySQL

/// One forward-only schema step. Statements are idempotent (`IF NOT EXISTS`, MariaDB's
/// `ADD COLUMN IF NOT EXISTS`), because MariaDB DDL is not transactional: a step interrupted half-way
/// is simply run again.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: [String]
    /// Queries the services of this schema version run. The compatibility test runs the queries of the
    /// previous version against the newest schema: that is the expand/contract rule, checked.
    public let queries: [CompatibilityQuery]

    public init(version: Int, name: String, statements: [String], queries: [CompatibilityQuery] = []) {
        self.version = version
        self.name = name
        self.statements = statements
        self.queries = queries
    }

    /// FNV-1a over the statements: detects an applied migration whose text was edited afterwards.
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in statements.joined(separator: ";\n").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

/// A statement some version of a service runs, with example parameters.
public struct CompatibilityQuery: Sendable {
    public let description: String
    public let sql: String
    public let parameters: [MySQLValue]
    /// For a SELECT of the Go sample: what its code scans each result column into, in order. Empty for
    /// statements without rows or whose rows are only counted.
    public let scans: [GoScanTarget]

    public init(_ description: String, _ sql: String, _ parameters: [MySQLValue] = [], scans: [GoScanTarget] = []) {
        self.description = description
        self.sql = sql
        self.parameters = parameters
        self.scans = scans
    }
}

/// A Go variable the sample's `rows.Scan` writes a column into. `database/sql` refuses NULL for both
/// (`converting NULL to int is unsupported`): a NULL in such a column stops the sample's service.
public enum GoScanTarget: Sendable, Equatable {
    case int
    case string
}
