import Foundation

/// One result row: column names and values, in the statement's column order.
public struct MySQLRow: Sendable, Hashable {
    public let columns: [String]
    public let values: [MySQLValue]

    public init(columns: [String], values: [MySQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value of a column by name, or nil when the row has no such column.
    public subscript(_ column: String) -> MySQLValue? {
        guard let index = columns.firstIndex(of: column) else { return nil }
        return values[index]
    }

    public func decode<T: MySQLDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let value = self[column] else {
            throw MySQLError.usage("column \"\(column)\" not in result (columns: \(columns.joined(separator: ", ")))")
        }
        guard let decoded = T(mySQLValue: value) else {
            throw MySQLError.usage("column \"\(column)\": cannot decode \(value) as \(T.self)")
        }
        return decoded
    }

    /// Decodes the whole row into a `Decodable` type. Property names match columns exactly or in
    /// snake_case (`lastError` reads `last_error`).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: MySQLRowDecoder(row: self))
    }
}

/// A Swift type that can be read from one column.
public protocol MySQLDecodable {
    init?(mySQLValue: MySQLValue)
}

extension Int64: MySQLDecodable {
    public init?(mySQLValue: MySQLValue) {
        guard let v = mySQLValue.int else { return nil }
        self = v
    }
}

extension Int: MySQLDecodable {
    public init?(mySQLValue: MySQLValue) {
        guard let v = mySQLValue.int, let i = Int(exactly: v) else { return nil }
        self = i
    }
}

extension Int32: MySQLDecodable {
    public init?(mySQLValue: MySQLValue) {
        guard let v = mySQLValue.int, let i = Int32(exactly: v) else { return nil }
        self = i
    }
}

extension UInt64: MySQLDecodable {
    public init?(mySQLValue: MySQLValue) {
        switch mySQLValue {
        case .uint(let v): self = v
        case .int(let v) where v >= 0: self = UInt64(v)
        default: return nil
        }
    }
}

extension Bool: MySQLDecodable {
    public init?(mySQLValue: MySQLValue) {
        guard let v = mySQLValue.int else { return nil }
        self = v != 0
    }
}

extension Double: MySQLDecodable {
    public init?(mySQLValue: MySQLValue) {
        guard let v = mySQLValue.double else { return nil }
        self = v
    }
}

extension Float: MySQLDecodable {
    public init?(mySQLValue: MySQLValue) {
        guard let v = mySQLValue.double else { return nil }
        self = Float(v)
    }
}

extension String: MySQLDecodable {
    public init?(mySQLValue: MySQLValue) {
        guard let v = mySQLValue.string else { return nil }
        self = v
    }
}

extension Array: MySQLDecodable where Element == UInt8 {
    public init?(mySQLValue: MySQLValue) {
        guard let v = mySQLValue.bytes else { return nil }
        self = v
    }
}

extension Date: MySQLDecodable {
    public init?(mySQLValue: MySQLValue) {
        guard let v = mySQLValue.date else { return nil }
        self = v
    }
}

extension Optional: MySQLDecodable where Wrapped: MySQLDecodable {
    public init?(mySQLValue: MySQLValue) {
        if mySQLValue.isNull {
            self = .none
            return
        }
        guard let v = Wrapped(mySQLValue: mySQLValue) else { return nil }
        self = .some(v)
    }
}
