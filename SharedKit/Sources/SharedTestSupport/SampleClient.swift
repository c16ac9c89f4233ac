import Migrations
import MySQL

/// The sample's services' database side, run the way the sample runs it: its exact statements
/// (`SampleContract`), each processor statement in its own SERIALIZABLE transaction, and every column
/// read into a non-null Go `int`/`string`, so a NULL fails here exactly where it stops the sample.
public struct SampleClient: Sendable {
    public let pool: MySQLPool

    public init(pool: MySQLPool) { self.pool = pool }

    /// A column value as the sample's Go variable holds it.
    public enum Scanned: Sendable, Equatable {
        case int(Int64)
        case string(String)

        public var int: Int64? { if case .int(let v) = self { v } else { nil } }
        public var string: String? { if case .string(let v) = self { v } else { nil } }
    }

    /// Why the sample's code would stop.
    public struct ScanError: Error, CustomStringConvertible {
        public let description: String
    }

    /// One row of the sample's processor's `select path, person, status`.
    public struct ProcessorRow: Sendable, Equatable {
        public let path: String
        public let person: Int64
        public let status: Int64
    }

    /// One row of the sample's frontend page, after its per-row name lookup.
    public struct FrontendRow: Sendable, Equatable {
        public let id: Int64
        public let path: String
        public let person: Int64
        public let status: Int64
        /// The person's name when `person` is not -1.
        public let name: String?
    }

    /// Runs a query of the contract and scans every row as its `scans` say.
    public func scan(_ query: CompatibilityQuery, _ parameters: [MySQLValue]? = nil) async throws -> [[Scanned]] {
        let rows = try await pool.query(query.sql, parameters ?? query.parameters)
        return try rows.map { try Self.scan($0, into: query.scans, for: query) }
    }

    static func scan(_ row: MySQLRow, into targets: [GoScanTarget], for query: CompatibilityQuery) throws -> [Scanned] {
        guard row.values.count == targets.count else {
            throw ScanError(description: "\(query.description): \(row.values.count) columns, the sample scans \(targets.count)")
        }
        return try zip(row.values, targets).enumerated().map { index, pair in
            let (value, target) = pair
            switch target {
            case .int:
                guard let v = value.int else {
                    throw ScanError(description: "\(query.description): column \(row.columns[index]) is \(value), the sample scans it into an int")
                }
                return .int(v)
            case .string:
                guard let v = value.string else {
                    throw ScanError(description: "\(query.description): column \(row.columns[index]) is \(value), the sample scans it into a string")
                }
                return .string(v)
            }
        }
    }

    /// The receiver's insert for a path that is not there yet; returns the new id (nil: it exists, skipped).
    public func receive(_ path: String) async throws -> Int64? {
        let exists = try await pool.query(SampleContract.receiverPathExists.sql, [.string(path)])
        if !exists.isEmpty { return nil }
        let result = try await pool.execute(SampleContract.receiverInsert.sql, [.string(path), .int(-1), .int(0)])
        return Int64(result.lastInsertID)
    }

    /// The processor's read of one id, in its own SERIALIZABLE transaction.
    public func load(_ id: Int64) async throws -> ProcessorRow? {
        let rows = try await serializable { tx in try await tx.query(SampleContract.processorLoad.sql, [.int(id)]) }
        guard let row = rows.first else { return nil }
        let v = try Self.scan(row, into: SampleContract.processorLoad.scans, for: SampleContract.processorLoad)
        return ProcessorRow(path: v[0].string!, person: v[1].int!, status: v[2].int!)
    }

    /// The processor's whole handling of one id; `identify` plays the face service's v1 answer
    /// (`image_name`, `not_found`, or nil for an RPC error). Returns false when the row was not pending.
    public func process(_ id: Int64, identify: (String) async -> String?) async throws -> Bool {
        guard let row = try await load(id), row.status == 0 else { return false }
        if row.person == -1 {
            _ = try await serializable { try await $0.execute(SampleContract.processorSetStatus.sql, [.int(3), .int(id)]) }
        } else {
            _ = try await serializable {
                try await $0.execute(SampleContract.processorSetStatusAndPerson.sql, [.int(3), .int(row.person), .int(id)])
            }
        }
        guard let name = await identify(row.path), name != "not_found" else {
            _ = try await serializable { try await $0.execute(SampleContract.processorSetStatus.sql, [.int(2), .int(id)]) }
            return true
        }
        let people = try await serializable {
            try await $0.query(SampleContract.processorPersonOfKnownImage.sql, [.string(name)])
        }
        guard let first = people.first else {
            throw ScanError(description: "\(SampleContract.processorPersonOfKnownImage.description): no person for \(name)")
        }
        let person = try Self.scan(first, into: SampleContract.processorPersonOfKnownImage.scans, for: SampleContract.processorPersonOfKnownImage)
        _ = try await serializable {
            try await $0.execute(SampleContract.processorSetStatusAndPerson.sql, [.int(1), .int(person[1].int!), .int(id)])
        }
        return true
    }

    /// The frontend's page: every image, and the name of every row whose person is not -1.
    public func frontendPage() async throws -> [FrontendRow] {
        let images = try await scan(SampleContract.frontendImages)
        var page: [FrontendRow] = []
        for v in images {
            let person = v[2].int!
            var name: String?
            if person != -1 {
                let names = try await scan(SampleContract.frontendPersonName, [.int(person)])
                guard let first = names.first else {
                    throw ScanError(description: "\(SampleContract.frontendPersonName.description): no person \(person) (image \(v[0].int!))")
                }
                name = first[0].string
            }
            page.append(FrontendRow(id: v[0].int!, path: v[1].string!, person: person, status: v[3].int!, name: name))
        }
        return page
    }

    /// Each of the sample's statements runs in its own SERIALIZABLE transaction, without retries (as the sample).
    private func serializable<T: Sendable>(_ body: (MySQLConnectionHandle) async throws -> T) async throws -> T {
        try await pool.transaction(conflictRetries: 0, isolation: "SERIALIZABLE", body)
    }
}
