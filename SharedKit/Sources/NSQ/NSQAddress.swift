/// A `host:port` endpoint (IPv6 hosts in brackets: `[::1]:4150`).
public struct NSQAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; `defaultPort` applies when the port is missing.
    public init(parsing text: String, defaultPort: Int? = nil) throws(NSQError) {
        var rest = Substring(text)
        for scheme in ["http://", "tcp://"] where rest.hasPrefix(scheme) { rest = rest.dropFirst(scheme.count) }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        let port = portText.flatMap { Int($0) } ?? defaultPort
        guard !host.isEmpty, let port, (1...65535).contains(port) else {
            throw NSQError.invalidArgument("\"\(text)\" is not a host:port address")
        }
        self.init(host: String(host), port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
