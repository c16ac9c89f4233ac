import Foundation

/// `Decoder` over a `MySQLRow`, so rows decode straight into model structs.
struct MySQLRowDecoder: Decoder {
    let row: MySQLRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw MySQLError.usage("a row decodes as a keyed container only")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw MySQLError.usage("a row decodes as a keyed container only")
    }
}

private func snakeCase(_ name: String) -> String {
    var result = ""
    for character in name {
        if character.isUppercase {
            result += "_" + character.lowercased()
        } else {
            result.append(character)
        }
    }
    return result
}

private struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: MySQLRow
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.columns.compactMap { Key(stringValue: $0) } }

    func value(_ key: Key) -> MySQLValue? {
        row[key.stringValue] ?? row[snakeCase(key.stringValue)]
    }

    func contains(_ key: Key) -> Bool { value(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { value(key)?.isNull ?? true }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let value = value(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: [key], debugDescription: "no column \(key.stringValue) in \(row.columns)"))
        }
        return try ValueDecoder(value: value, codingPath: [key]).decode(T.self)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        throw MySQLError.usage("nested containers are not supported in rows")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        guard let value = value(key), let bytes = value.bytes else {
            throw MySQLError.usage("column \(key.stringValue) is not a byte array")
        }
        return BytesContainer(bytes: bytes)
    }

    func superDecoder() throws -> any Decoder { MySQLRowDecoder(row: row) }
    func superDecoder(forKey key: Key) throws -> any Decoder { MySQLRowDecoder(row: row) }
}

/// Decodes one column value (lets `RawRepresentable` enums, `Date` and friends use their own `init(from:)`).
private struct ValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: MySQLValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw mismatch("a keyed container")
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let bytes = value.bytes else { throw mismatch("an array") }
        return BytesContainer(bytes: bytes)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value.isNull }

    private func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value)"))
    }

    private func get<T: MySQLDecodable>(_ type: T.Type) throws -> T {
        guard let v = T(mySQLValue: value) else { throw mismatch("\(T.self)") }
        return v
    }

    func decode(_ type: Bool.Type) throws -> Bool { try get(Bool.self) }
    func decode(_ type: String.Type) throws -> String { try get(String.self) }
    func decode(_ type: Double.Type) throws -> Double { try get(Double.self) }
    func decode(_ type: Float.Type) throws -> Float { try get(Float.self) }
    func decode(_ type: Int.Type) throws -> Int { try get(Int.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try get(Int64.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try get(Int32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try get(UInt64.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self, let date = value.date { return date as! T }
        if T.self == [UInt8].self, let bytes = value.bytes { return bytes as! T }
        if T.self == Data.self, let bytes = value.bytes { return Data(bytes) as! T }
        return try T(from: self)
    }
}

private struct BytesContainer: UnkeyedDecodingContainer {
    let bytes: [UInt8]
    var codingPath: [any CodingKey] { [] }
    var count: Int? { bytes.count }
    var isAtEnd: Bool { currentIndex >= bytes.count }
    var currentIndex = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard T.self == UInt8.self, !isAtEnd else {
            throw MySQLError.usage("byte columns decode only as [UInt8]")
        }
        defer { currentIndex += 1 }
        return bytes[currentIndex] as! T
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    { throw MySQLError.usage("unsupported") }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw MySQLError.usage("unsupported") }
    mutating func superDecoder() throws -> any Decoder { throw MySQLError.usage("unsupported") }
}
