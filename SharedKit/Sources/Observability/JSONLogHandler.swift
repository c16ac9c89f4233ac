import Foundation
import Logging

/// One JSON object per line on stderr, for log collectors: time, level, service, logger, message and
/// every metadata key (e.g. `image_id`) as a top-level field.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let service: String
    let write: @Sendable (String) -> Void

    public init(label: String, service: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.stderr) {
        self.label = label
        self.service = service
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata { fields[key] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { fields[key] = "\(value)" }
        var line = "{\"ts\":\(Self.quote(Date().ISO8601Format(.iso8601.time(includingFractionalSeconds: true).year().month().day().dateSeparator(.dash).timeSeparator(.colon).timeZone(separator: .omitted))))"
        line += ",\"level\":\(Self.quote(event.level.rawValue)),\"service\":\(Self.quote(service)),\"logger\":\(Self.quote(label))"
        line += ",\"msg\":\(Self.quote(event.message.description))"
        for key in fields.keys.sorted() where !["ts", "level", "service", "logger", "msg"].contains(key) {
            line += ",\(Self.quote(key)):\(Self.quote(fields[key]!))"
        }
        line += "}\n"
        write(line)
    }

    public static let stderr: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
