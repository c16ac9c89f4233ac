/// What the Receiver did with one path: the unit of every write response.
public struct PathOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Stored now and announced on the queue.
        case queued
        /// Already known: the existing row's id, nothing new stored (re-posting is idempotent).
        case duplicate
        /// Refused; `reason` says why, `code` is machine readable.
        case rejected
    }

    public var path: String
    public var id: Int64?
    public var status: Status
    public var reason: String?
    public var code: String?

    public init(path: String, id: Int64? = nil, status: Status, reason: String? = nil, code: String? = nil) {
        self.path = path
        self.id = id
        self.status = status
        self.reason = reason
        self.code = code
    }

    /// `{"path":...,"id":...,"status":...}` written by hand: this runs on every request of the hot path,
    /// and building the few bytes directly is far cheaper than a JSONEncoder.
    func writeJSON(into out: inout String) {
        out += "{\"path\":"
        JSONText.appendString(path, to: &out)
        if let id { out += ",\"id\":\(id)" }
        out += ",\"status\":\"\(status.rawValue)\""
        if let reason {
            out += ",\"reason\":"
            JSONText.appendString(reason, to: &out)
        }
        if let code {
            out += ",\"code\":"
            JSONText.appendString(code, to: &out)
        }
        out += "}"
    }

    var json: String {
        var out = ""
        out.reserveCapacity(64 + path.utf8.count)
        writeJSON(into: &out)
        return out
    }
}

/// The body of a batch response: one outcome per path, in request order, plus counts.
struct BatchOutcome {
    var results: [PathOutcome]

    var json: String {
        var out = "{\"results\":["
        out.reserveCapacity(results.count * 64 + 64)
        var counts: [PathOutcome.Status: Int] = [.queued: 0, .duplicate: 0, .rejected: 0]
        for (i, result) in results.enumerated() {
            if i > 0 { out += "," }
            result.writeJSON(into: &out)
            counts[result.status, default: 0] += 1
        }
        out += "],\"queued\":\(counts[.queued]!),\"duplicate\":\(counts[.duplicate]!),\"rejected\":\(counts[.rejected]!)}"
        return out
    }
}

/// Minimal JSON string escaping (RFC 8259) for hand-built bodies.
enum JSONText {
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    static func quoted(_ text: String) -> String {
        var out = ""
        appendString(text, to: &out)
        return out
    }
}
