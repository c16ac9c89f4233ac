import Foundation
import MySQL

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway MariaDB server (Debian `mariadb-server`) on a free loopback port with its own data
/// directory. Tests start, kill and restart it to exercise reconnects for real.
public final class MariaDBServer: @unchecked Sendable {
    public let dataDirectory: String
    public let port: Int
    public let user = "test"
    public let password = "test-password"
    private let lock = NSLock()
    private var process: Process?

    public var socketPath: String { dataDirectory + "/mysqld.sock" }

    /// Initialises a new data directory and starts the server.
    public static func start(dataDirectory: String? = nil) async throws -> MariaDBServer {
        let directory = dataDirectory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("mariadb-test-\(UUID().uuidString.prefix(8))").path
        let server = MariaDBServer(dataDirectory: directory, port: try freeLoopbackPort())
        try server.installDatabase()
        try await server.launch()
        try server.createTestUser()
        return server
    }

    init(dataDirectory: String, port: Int) {
        self.dataDirectory = dataDirectory
        self.port = port
    }

    /// Connection settings for the TCP test user; `database` empty means no default database.
    public func configuration(database: String = "", poolSize: Int = 8) -> MySQLConfiguration {
        MySQLConfiguration(
            host: "127.0.0.1", port: port, database: database, username: user, password: Secret(password),
            poolSize: poolSize)
    }

    /// Bootstraps the data directory, with the bootstrap server's temporary files in a folder of its own;
    /// a failed bootstrap (seen once in a while on a loaded machine, while other servers start) is retried
    /// once from an empty folder before the error is reported.
    private func installDatabase() throws {
        if FileManager.default.fileExists(atPath: dataDirectory + "/mysql") { return }
        var attempt = 1
        while true {
            let temporary = dataDirectory + "-tmp"
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            do {
                try Self.run(
                    "mariadb-install-db",
                    ["--no-defaults", "--user=root", "--datadir=\(dataDirectory)", "--auth-root-authentication-method=socket",
                     "--skip-test-db", "--tmpdir=\(temporary)"])
                return
            } catch where attempt == 1 {
                attempt += 1
                try? FileManager.default.removeItem(atPath: dataDirectory)
            }
        }
    }

    /// Starts `mariadbd` and waits until it accepts connections.
    public func launch() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.locate("mariadbd", in: ["/usr/sbin", "/usr/bin", "/usr/local/sbin"]))
        process.arguments = [
            "--no-defaults", "--user=root", "--datadir=\(dataDirectory)", "--socket=\(socketPath)", "--port=\(port)",
            "--bind-address=127.0.0.1", "--skip-log-bin", "--skip-name-resolve", "--max-connections=1000",
            "--innodb-buffer-pool-size=128M", "--innodb-flush-log-at-trx-commit=2", "--innodb-log-file-size=32M",
            "--log-error=\(dataDirectory)/error.log", "--pid-file=\(dataDirectory)/mysqld.pid",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        lock.withLock { self.process = process }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                throw TestSupportError("mariadbd exited with \(process.terminationStatus); see \(dataDirectory)/error.log")
            }
            if Self.canConnect(port: port) && FileManager.default.fileExists(atPath: socketPath) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError("mariadbd did not start within 60 s; see \(dataDirectory)/error.log")
    }

    private func createTestUser() throws {
        let sql = """
            CREATE USER IF NOT EXISTS '\(user)'@'127.0.0.1' IDENTIFIED BY '\(password)';
            GRANT ALL PRIVILEGES ON *.* TO '\(user)'@'127.0.0.1' WITH GRANT OPTION;
            FLUSH PRIVILEGES;
            """
        try Self.run("mariadb", ["--no-defaults", "--socket=\(socketPath)", "-uroot", "-e", sql])
    }

    /// SIGKILL, as a crash would: no clean shutdown.
    public func kill() {
        signalAndWait(SIGKILL)
    }

    /// SIGTERM and wait for a clean shutdown.
    public func stop() {
        signalAndWait(SIGTERM)
    }

    private func signalAndWait(_ signal: Int32) {
        let process = lock.withLock { () -> Process? in
            defer { self.process = nil }
            return self.process
        }
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// Stops and removes the data directory.
    public func destroy() {
        stop()
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    // MARK: - helpers

    static func locate(_ name: String, in directories: [String]) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in directories + path {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestSupportError("\(name) not found: install Debian's mariadb-server (make test does this)")
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate(tool, in: ["/usr/bin", "/usr/sbin"]))
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSupportError("\(tool) failed (\(process.terminationStatus)): \(String(decoding: data, as: UTF8.self))")
        }
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// A port nothing listens on right now (bind to 0 and let the kernel choose).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestSupportError("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
