import ArgumentParser
import Logging

/// Settings every service has: logging and the shutdown drain.
public struct ServiceOptions: ParsableArguments, Sendable {
    public enum LogFormat: String, CaseIterable, Sendable {
        case text
        case json
    }

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical. Env: LOG_LEVEL. Default: info")
    public var logLevel: String?

    @Option(name: .customLong("log-format"), help: "text or json. Env: LOG_FORMAT. Default: text")
    public var logFormat: String?

    @Option(
        name: .customLong("drain-seconds"),
        help: "After SIGTERM, report not-ready but keep serving this long before stopping (lets load balancers notice). Env: DRAIN_SECONDS. Default: 5")
    public var drainSeconds: String?

    @Option(
        name: .customLong("shutdown-timeout-seconds"),
        help: "Upper bound for in-flight work to finish after the drain. Env: SHUTDOWN_TIMEOUT_SECONDS. Default: 20")
    public var shutdownTimeoutSeconds: String?

    public init() {}

    public struct Resolved: Sendable {
        public var logLevel: Logger.Level
        public var logFormat: LogFormat
        public var drain: Duration
        public var shutdownTimeout: Duration
    }

    public func resolve(_ reader: SettingsReader = SettingsReader()) throws -> Resolved {
        let level = try reader.choice(logLevel, "log-level", env: ["LOG_LEVEL"], default: LevelName.info)
        let format = try reader.choice(logFormat, "log-format", env: ["LOG_FORMAT"], default: LogFormat.text)
        let drain = try reader.double(drainSeconds, "drain-seconds", env: ["DRAIN_SECONDS"], default: 5, range: 0...600)
        let timeout = try reader.double(
            shutdownTimeoutSeconds, "shutdown-timeout-seconds", env: ["SHUTDOWN_TIMEOUT_SECONDS"], default: 20, range: 0...3600)
        return Resolved(
            logLevel: Logger.Level(rawValue: level.rawValue) ?? .info, logFormat: format,
            drain: .milliseconds(Int64(drain * 1000)), shutdownTimeout: .milliseconds(Int64(timeout * 1000)))
    }

    private enum LevelName: String, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }
}
