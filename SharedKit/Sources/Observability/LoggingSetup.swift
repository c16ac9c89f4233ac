import Config
import Logging

/// Installs the process-wide log handler once, from the service options.
public enum LoggingSetup {
    public static func bootstrap(level: Logger.Level, format: ServiceOptions.LogFormat, service: String) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            switch format {
            case .json: handler = JSONLogHandler(label: label, service: service)
            case .text: handler = StreamLogHandler.standardError(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }
}
