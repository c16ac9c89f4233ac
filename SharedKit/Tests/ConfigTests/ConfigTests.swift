import Config
import Foundation
import Logging
import MySQL
import Observability
import Testing

@Suite("Configuration from flags and environment")
struct ConfigTests {
    @Test("the sample's flag names and Go-style single dashes are accepted")
    func sampleFlags() throws {
        let args = GoStyleArguments.normalize([
            "-db-host=mysql.default.svc", "--db-port=3307", "-db-dbname", "kube", "--db-username-password=root:password123",
        ])
        #expect(args[0] == "--db-host=mysql.default.svc")
        let options = try DatabaseOptions.parse(args)
        let configuration = try options.resolve(SettingsReader(environment: [:]))
        #expect(configuration.host == "mysql.default.svc")
        #expect(configuration.port == 3307)
        #expect(configuration.database == "kube")
        #expect(configuration.username == "root")
        #expect(configuration.password.value == "password123")
    }

    @Test("short flags and values after -- are left alone")
    func normalizeLeavesOthers() {
        #expect(GoStyleArguments.normalize(["-h", "--x", "-v", "--", "-db-host"]) == ["-h", "--x", "-v", "--", "-db-host"])
    }

    @Test("environment variables, ours and the sample's, when no flag is given")
    func environment() throws {
        let options = try DatabaseOptions.parse([])
        let sample = try options.resolve(SettingsReader(environment: [
            "MYSQL_CONNECTION": "mysql.svc", "MYSQL_PORT": "3306", "MYSQL_DBNAME": "kube", "MYSQL_USERPASSWORD": "u:p:w",
        ]))
        #expect(sample.host == "mysql.svc")
        #expect(sample.username == "u")
        #expect(sample.password.value == "p:w")
        let ours = try options.resolve(SettingsReader(environment: [
            "DB_HOST": "h", "DB_PORT": "1234", "DB_NAME": "faces", "DB_USER": "app", "DB_PASSWORD": "pw", "DB_POOL_SIZE": "3",
        ]))
        #expect(ours.host == "h")
        #expect(ours.port == 1234)
        #expect(ours.database == "faces")
        #expect(ours.username == "app")
        #expect(ours.password.value == "pw")
        #expect(ours.poolSize == 3)
    }

    @Test("a flag beats the environment")
    func precedence() throws {
        let options = try DatabaseOptions.parse(["--db-host", "flag-host"])
        #expect(try options.resolve(SettingsReader(environment: ["DB_HOST": "env-host"])).host == "flag-host")
    }

    @Test("the password can come from a mounted secret file")
    func passwordFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID())").path
        try "from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let options = try DatabaseOptions.parse(["--db-password-file", file])
        #expect(try options.resolve(SettingsReader(environment: [:])).password.value == "from-file")
    }

    @Test("malformed settings are clear startup errors naming the flag and variables", arguments: [
        (["--db-port", "abc"], [String: String](), "--db-port"),
        ([], ["DB_PORT": "70000"], "DB_PORT"),
        (["--db-username-password", "nocolon"], [:], "user:password"),
        (["--db-dbname", "bad name;"], [:], "database name"),
        (["--db-password-file", "/nonexistent/pw"], [:], "password file"),
    ])
    func malformed(args: [String], env: [String: String], mention: String) throws {
        let options = try DatabaseOptions.parse(args)
        do {
            _ = try options.resolve(SettingsReader(environment: env))
            Issue.record("accepted \(args) \(env)")
        } catch let error as ConfigurationError {
            #expect(error.description.contains(mention))
            #expect(!error.description.contains("nocolon"))  // a credential value is never echoed
        }
    }

    @Test("queue settings accept the sample's NSQ flags")
    func queue() throws {
        let options = try QueueOptions.parse(["--producer-address", "nsqd:4150", "--nsq-lookup-address=nsqlookup:4161"])
        let resolved = try options.resolve(SettingsReader(environment: ["QUEUE": "nsq"]))
        #expect(resolved.kind == .nsq)
        #expect(resolved.producer == HostPort(host: "nsqd", port: 4150))
        #expect(resolved.lookupd == HostPort(host: "nsqlookup", port: 4161))
        #expect(resolved.topic == "images")
        #expect(throws: ConfigurationError.self) {
            try QueueOptions.parse(["--queue", "kafka"]).resolve(SettingsReader(environment: [:]))
        }
        #expect(throws: ConfigurationError.self) {
            try QueueOptions.parse(["--producer-address", "nsqd:notaport"]).resolve(SettingsReader(environment: [:]))
        }
    }

    @Test("service options: log level, format, drain")
    func service() throws {
        let resolved = try ServiceOptions.parse(["--log-level", "debug", "--drain-seconds", "2.5"])
            .resolve(SettingsReader(environment: ["LOG_FORMAT": "json"]))
        #expect(resolved.logLevel == .debug)
        #expect(resolved.logFormat == .json)
        #expect(resolved.drain == .milliseconds(2500))
        #expect(throws: ConfigurationError.self) {
            try ServiceOptions.parse(["--log-level", "loud"]).resolve(SettingsReader(environment: [:]))
        }
    }
}

@Suite("Observability")
struct ObservabilityTests {
    @Test("JSON logs are one valid object per line with metadata as fields")
    func jsonLogs() throws {
        let lines = LinesBox()
        var logger = Logger(label: "receiver") { label in
            JSONLogHandler(label: label, service: "receiver", write: { lines.append($0) })
        }
        logger[metadataKey: "image_id"] = "42"
        logger.info("stored \"image\"\nnext", metadata: ["path": "a/b.jpg"])
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["image_id"] == "42")
        #expect(object["path"] == "a/b.jpg")
        #expect(object["msg"] == "stored \"image\"\nnext")
        #expect(object["level"] == "info")
        #expect(object["service"] == "receiver")
    }

    @Test("readiness: starting, ready, failing check, draining")
    func readiness() async {
        let health = HealthState()
        #expect(await health.readinessProblems() == ["starting"])
        health.markStarted()
        #expect(await health.readinessProblems() == nil)
        let failing = LinesBox()
        health.addReadinessCheck("database") { failing.all.isEmpty ? nil : "unreachable" }
        failing.append("x")
        #expect(await health.readinessProblems() == ["database: unreachable"])
        health.beginDraining()
        #expect(await health.readinessProblems()?.first == "draining")
    }
}

final class LinesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
