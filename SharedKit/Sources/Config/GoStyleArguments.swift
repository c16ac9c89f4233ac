/// The Go sample's services were started with Go `flag` syntax, which also accepts a single dash
/// (`-db-host=mysql`). ArgumentParser would read that as a cluster of short flags, so long options
/// written with one dash are rewritten to two before parsing: the sample's manifests keep working.
public enum GoStyleArguments {
    public static func normalize(_ arguments: [String]) -> [String] {
        var seenTerminator = false
        return arguments.map { argument in
            if seenTerminator { return argument }
            if argument == "--" {
                seenTerminator = true
                return argument
            }
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard name.hasPrefix("-"), !name.hasPrefix("--"), name.count > 2,
                name.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
                name.dropFirst().first?.isLetter == true
            else { return argument }
            return "-" + argument
        }
    }

    /// `CommandLine.arguments` without the program name, normalised.
    public static var commandLine: [String] { normalize(Array(CommandLine.arguments.dropFirst())) }
}
