import Foundation

/// A parameter or column value. Parameters are always sent as bound values of a prepared statement,
/// never spliced into SQL text.
public enum MySQLValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    /// DATETIME/TIMESTAMP/DATE, in UTC (every connection sets `time_zone = '+00:00'`).
    case date(Date)

    public var isNull: Bool { self == .null }

    public var int: Int64? {
        switch self {
        case .int(let v): v
        case .uint(let v): Int64(exactly: v)
        case .double(let v): Int64(exactly: v)
        case .string(let s): Int64(s)
        default: nil
        }
    }

    public var double: Double? {
        switch self {
        case .double(let v): v
        case .int(let v): Double(v)
        case .uint(let v): Double(v)
        case .string(let s): Double(s)
        default: nil
        }
    }

    public var string: String? {
        switch self {
        case .string(let s): s
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        case .int(let v): String(v)
        case .uint(let v): String(v)
        case .double(let v): String(v)
        default: nil
        }
    }

    public var bytes: [UInt8]? {
        switch self {
        case .bytes(let b): b
        case .string(let s): Array(s.utf8)
        default: nil
        }
    }

    public var date: Date? {
        if case .date(let d) = self { return d }
        return nil
    }

    public var description: String {
        switch self {
        case .null: "NULL"
        case .int(let v): String(v)
        case .uint(let v): String(v)
        case .double(let v): String(v)
        case .string(let s): "'\(s)'"
        case .bytes(let b): "<\(b.count) bytes>"
        case .date(let d): d.ISO8601Format()
        }
    }
}

extension MySQLValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByNilLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .int(value ? 1 : 0) }
}

extension MySQLValue {
    public init(_ value: Int) { self = .int(Int64(value)) }
    public init(_ value: Int64) { self = .int(value) }
    public init(_ value: String) { self = .string(value) }
    public init(_ value: Double) { self = .double(value) }
    public init(_ value: Date) { self = .date(value) }
    public init(_ value: [UInt8]) { self = .bytes(value) }
    public init(_ value: Int64?) { self = value.map { .int($0) } ?? .null }
    public init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
    public init(_ value: String?) { self = value.map { .string($0) } ?? .null }
    public init(_ value: Double?) { self = value.map { .double($0) } ?? .null }
    public init(_ value: Date?) { self = value.map { .date($0) } ?? .null }
}
