import Foundation

/// Resolves a setting from (in order) its command-line flag, its environment variables, its default,
/// and parses it with an error message that names every way to set it.
public struct SettingsReader: Sendable {
    public let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The raw value and where it came from ("--db-port" or "DB_PORT").
    public func raw(flag: String?, flagName: String, env: [String]) -> (value: String, source: String)? {
        if let flag { return (flag, "--\(flagName)") }
        for name in env {
            if let value = environment[name], !value.isEmpty { return (value, name) }
        }
        return nil
    }

    public func string(_ flag: String?, _ flagName: String, env: [String], default fallback: String) -> String {
        raw(flag: flag, flagName: flagName, env: env)?.value ?? fallback
    }

    public func optionalString(_ flag: String?, _ flagName: String, env: [String]) -> String? {
        raw(flag: flag, flagName: flagName, env: env)?.value
    }

    public func int(
        _ flag: String?, _ flagName: String, env: [String], default fallback: Int, range: ClosedRange<Int>
    ) throws -> Int {
        guard let (value, source) = raw(flag: flag, flagName: flagName, env: env) else { return fallback }
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw ConfigurationError(
                "invalid \(source) \"\(value)\": expected a whole number in \(range.lowerBound)...\(range.upperBound) "
                    + Self.hint(flagName, env))
        }
        return number
    }

    public func double(
        _ flag: String?, _ flagName: String, env: [String], default fallback: Double, range: ClosedRange<Double>
    ) throws -> Double {
        guard let (value, source) = raw(flag: flag, flagName: flagName, env: env) else { return fallback }
        guard let number = Double(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw ConfigurationError(
                "invalid \(source) \"\(value)\": expected a number in \(range.lowerBound)...\(range.upperBound) "
                    + Self.hint(flagName, env))
        }
        return number
    }

    public func choice<T: RawRepresentable & CaseIterable>(
        _ flag: String?, _ flagName: String, env: [String], default fallback: T
    ) throws -> T where T.RawValue == String {
        guard let (value, source) = raw(flag: flag, flagName: flagName, env: env) else { return fallback }
        guard let choice = T(rawValue: value.lowercased()) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError("invalid \(source) \"\(value)\": expected one of \(allowed) " + Self.hint(flagName, env))
        }
        return choice
    }

    /// `host:port`, with a default port when only a host is given.
    public func address(
        _ flag: String?, _ flagName: String, env: [String], default fallback: String?, defaultPort: Int
    ) throws -> HostPort? {
        guard let (value, source) = raw(flag: flag, flagName: flagName, env: env) ?? fallback.map({ ($0, "default") })
        else { return nil }
        guard let address = HostPort(parsing: value, defaultPort: defaultPort) else {
            throw ConfigurationError("invalid \(source) \"\(value)\": expected host:port " + Self.hint(flagName, env))
        }
        return address
    }

    static func hint(_ flagName: String, _ env: [String]) -> String {
        "(set with --\(flagName)" + (env.isEmpty ? ")" : " or \(env.joined(separator: "/")))")
    }
}

/// A `host:port` pair.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(parsing text: String, defaultPort: Int) {
        var text = text.trimmingCharacters(in: .whitespaces)
        for scheme in ["http://", "https://", "tcp://"] where text.hasPrefix(scheme) {
            text.removeFirst(scheme.count)
        }
        while text.hasSuffix("/") { text.removeLast() }
        guard !text.isEmpty, !text.contains(" ") else { return nil }
        if let colon = text.lastIndex(of: ":"), !text.hasSuffix("]") {
            let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port), !host.isEmpty else {
                return nil
            }
            self.init(host: host, port: port)
        } else {
            self.init(host: text.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: defaultPort)
        }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
