/// Where and how to connect. The password is held as a `Secret`, whose descriptions are redacted, so a
/// configuration can be logged or interpolated without leaking credentials.
public struct MySQLConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: String
    public var username: String
    public var password: Secret
    /// Upper bound on open connections (also the number of threads that run blocking client calls).
    public var poolSize: Int
    public var connectTimeoutSeconds: UInt32
    /// Socket read/write timeout: a hung server surfaces as an error instead of a stuck thread.
    public var ioTimeoutSeconds: UInt32
    /// How long `withConnection` waits for a free connection before failing.
    public var checkoutTimeout: Duration
    /// A connection idle for longer than this is pinged before it is handed out.
    public var healthCheckAfterIdle: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 3306, database: String = "kube", username: String = "root",
        password: Secret = Secret(""), poolSize: Int = 8, connectTimeoutSeconds: UInt32 = 5,
        ioTimeoutSeconds: UInt32 = 30, checkoutTimeout: Duration = .seconds(10),
        healthCheckAfterIdle: Duration = .seconds(1)
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.poolSize = max(1, poolSize)
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.ioTimeoutSeconds = ioTimeoutSeconds
        self.checkoutTimeout = checkoutTimeout
        self.healthCheckAfterIdle = healthCheckAfterIdle
    }

    public var description: String {
        "mysql://\(username):\(password)@\(host):\(port)/\(database) (pool \(poolSize))"
    }
}

/// A credential whose textual forms never show the value.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, ExpressibleByStringLiteral
{
    public let value: String
    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }
    public var description: String { value.isEmpty ? "" : "******" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
