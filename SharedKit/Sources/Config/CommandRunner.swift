import ArgumentParser

/// Parses the (Go-style normalised) command line and runs an async command; on a parse or
/// configuration error prints it with usage and exits non-zero.
public enum CommandRunner {
    public static func run<Command: AsyncParsableCommand>(_ type: Command.Type, arguments: [String] = GoStyleArguments.commandLine) async {
        do {
            var command = try Command.parse(arguments)
            try await command.run()
        } catch {
            Command.exit(withError: error)
        }
    }
}
