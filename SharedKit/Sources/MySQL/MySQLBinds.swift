import CMySQL
import Foundation

/// C buffers for a statement's input parameters; they live until `deallocate()` after execution.
final class ParameterBinds {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private var allocations: [UnsafeMutableRawPointer] = []
    private let count: Int

    init(_ values: [MySQLValue]) {
        count = values.count
        binds = .allocate(capacity: max(1, count))
        binds.initialize(repeating: MYSQL_BIND(), count: max(1, count))
        for (i, value) in values.enumerated() {
            bind(value, into: &binds[i])
        }
    }

    private func store<T>(_ value: T) -> UnsafeMutableRawPointer {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
        pointer.initialize(to: value)
        let raw = UnsafeMutableRawPointer(pointer)
        allocations.append(raw)
        return raw
    }

    private func storeBytes(_ bytes: some Collection<UInt8>) -> (UnsafeMutableRawPointer, Int) {
        let count = bytes.count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count), alignment: 1)
        raw.copyMemory(from: Array(bytes), byteCount: count)
        allocations.append(raw)
        return (raw, count)
    }

    private func bind(_ value: MySQLValue, into bind: inout MYSQL_BIND) {
        switch value {
        case .null:
            bind.buffer_type = MYSQL_TYPE_NULL
        case .int(let v):
            bind.buffer_type = MYSQL_TYPE_LONGLONG
            bind.buffer = store(v)
        case .uint(let v):
            bind.buffer_type = MYSQL_TYPE_LONGLONG
            bind.buffer = store(v)
            bind.is_unsigned = 1
        case .double(let v):
            bind.buffer_type = MYSQL_TYPE_DOUBLE
            bind.buffer = store(v)
        case .string(let s):
            let (raw, n) = storeBytes(s.utf8)
            bind.buffer_type = MYSQL_TYPE_STRING
            bind.buffer = raw
            bind.buffer_length = UInt(n)
            bind.length_value = UInt(n)
        case .bytes(let b):
            let (raw, n) = storeBytes(b)
            bind.buffer_type = MYSQL_TYPE_BLOB
            bind.buffer = raw
            bind.buffer_length = UInt(n)
            bind.length_value = UInt(n)
        case .date(let d):
            bind.buffer_type = MYSQL_TYPE_DATETIME
            bind.buffer = store(MySQLTime.make(d))
        }
        // With length == NULL the library reads length_value, so no separate length buffer is needed.
    }

    func deallocate() {
        for raw in allocations { raw.deallocate() }
        binds.deallocate()
    }
}

/// C buffers that receive one row at a time, sized from the result's max column lengths.
final class ResultBinds {
    enum Kind { case signed, unsigned, double, string, bytes, time }

    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let kinds: [Kind]
    private let lengths: UnsafeMutablePointer<UInt>
    private let nulls: UnsafeMutablePointer<my_bool>
    private let errors: UnsafeMutablePointer<my_bool>
    private var buffers: [UnsafeMutableRawPointer]
    private let count: Int

    init(fields: UnsafeMutablePointer<MYSQL_FIELD>, count: Int) {
        self.count = count
        binds = .allocate(capacity: count)
        binds.initialize(repeating: MYSQL_BIND(), count: count)
        lengths = .allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        nulls = .allocate(capacity: count)
        nulls.initialize(repeating: 0, count: count)
        errors = .allocate(capacity: count)
        errors.initialize(repeating: 0, count: count)
        var kinds: [Kind] = []
        var buffers: [UnsafeMutableRawPointer] = []
        for i in 0..<count {
            let field = fields[i]
            let kind = Self.kind(of: field)
            kinds.append(kind)
            let size: Int
            switch kind {
            case .signed, .unsigned:
                binds[i].buffer_type = MYSQL_TYPE_LONGLONG
                binds[i].is_unsigned = kind == .unsigned ? 1 : 0
                size = 8
            case .double:
                binds[i].buffer_type = MYSQL_TYPE_DOUBLE
                size = 8
            case .time:
                binds[i].buffer_type = MYSQL_TYPE_DATETIME
                size = MemoryLayout<MYSQL_TIME>.stride
            case .string, .bytes:
                binds[i].buffer_type = kind == .bytes ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING
                size = max(64, Int(field.max_length) + 1)
            }
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
            buffers.append(buffer)
            binds[i].buffer = buffer
            binds[i].buffer_length = UInt(size)
            binds[i].length = lengths + i
            binds[i].is_null = nulls + i
            binds[i].error = errors + i
        }
        self.kinds = kinds
        self.buffers = buffers
    }

    private static func kind(of field: MYSQL_FIELD) -> Kind {
        let unsigned = field.flags & UInt32(UNSIGNED_FLAG) != 0
        switch field.type {
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_INT24, MYSQL_TYPE_LONGLONG,
            MYSQL_TYPE_YEAR, MYSQL_TYPE_BIT:
            return unsigned ? .unsigned : .signed
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE:
            return .double
        case MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_DATE:
            return .time
        case MYSQL_TYPE_TINY_BLOB, MYSQL_TYPE_BLOB, MYSQL_TYPE_MEDIUM_BLOB, MYSQL_TYPE_LONG_BLOB,
            MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_STRING, MYSQL_TYPE_VARCHAR, MYSQL_TYPE_GEOMETRY:
            // charset 63 is `binary`: BLOB/VARBINARY hold bytes, not text.
            return field.charsetnr == 63 ? .bytes : .string
        default:
            return .string
        }
    }

    func value(at i: Int, stmt: UnsafeMutablePointer<MYSQL_STMT>) throws -> MySQLValue {
        if nulls[i] != 0 { return .null }
        let buffer = buffers[i]
        switch kinds[i] {
        case .signed:
            return .int(buffer.load(as: Int64.self))
        case .unsigned:
            let v = buffer.load(as: UInt64.self)
            return v <= UInt64(Int64.max) ? .int(Int64(v)) : .uint(v)
        case .double:
            return .double(buffer.load(as: Double.self))
        case .time:
            return .date(MySQLTime.date(buffer.load(as: MYSQL_TIME.self)))
        case .string, .bytes:
            let length = Int(lengths[i])
            var bytes: [UInt8]
            if length > Int(binds[i].buffer_length) {
                // Truncated: fetch the whole column into a buffer of the reported size.
                bytes = [UInt8](repeating: 0, count: length)
                try bytes.withUnsafeMutableBytes { raw in
                    var column = MYSQL_BIND()
                    var columnLength: UInt = 0
                    column.buffer_type = binds[i].buffer_type
                    column.buffer = raw.baseAddress
                    column.buffer_length = UInt(length)
                    try withUnsafeMutablePointer(to: &columnLength) { lengthPointer in
                        column.length = lengthPointer
                        if mysql_stmt_fetch_column(stmt, &column, UInt32(i), 0) != 0 {
                            throw MySQLError.fromStatement(stmt)
                        }
                    }
                }
            } else {
                bytes = Array(UnsafeRawBufferPointer(start: buffer, count: length))
            }
            return kinds[i] == .bytes ? .bytes(bytes) : .string(String(decoding: bytes, as: UTF8.self))
        }
    }

    func deallocate() {
        for buffer in buffers { buffer.deallocate() }
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
        errors.deallocate()
    }
}
