import ArgumentParser
import Config
import FrontendApp
import Hummingbird
import ImageFiles
import Logging
import MySQL
import Observability
import ServiceLifecycle

/// Serves the pages, JSON API and image files until SIGTERM, then drains and stops.
struct FrontendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontend",
        abstract: "Web pages and JSON API over the face-recognition pipeline's images, faces and people.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var service: ServiceOptions

    @Option(name: .customLong("host"), help: "Address to listen on. Env: HOST. Default: 0.0.0.0")
    var host: String?

    @Option(name: .customLong("port"), help: "HTTP port. Env: PORT. Default: 8080")
    var port: String?

    @Option(name: .customLong("image-root"), help: "Folder every image path is relative to. Env: IMAGE_ROOT. Default: /data/images")
    var imageRoot: String?

    @Option(
        name: .customLong("known-people-prefix"),
        help: "Folder under the image root with the gallery photos of known people. Env: KNOWN_PEOPLE_PREFIX. Default: known_people")
    var knownPeoplePrefix: String?

    func run() async throws {
        let reader = SettingsReader()
        let options = try service.resolve(reader)
        let databaseConfiguration = try database.resolve(reader)
        let host = reader.string(host, "host", env: ["HOST"], default: "0.0.0.0")
        let port = try reader.int(port, "port", env: ["PORT"], default: 8080, range: 1...65535)
        let imageRootPath = reader.string(imageRoot, "image-root", env: ["IMAGE_ROOT"], default: "/data/images")
        let prefix = reader.string(knownPeoplePrefix, "known-people-prefix", env: ["KNOWN_PEOPLE_PREFIX"], default: "known_people")
        if !prefix.isEmpty {
            // The prefix is joined with gallery names and validated like any client path.
            do {
                try ImageRoot.validate(relativePath: prefix + "/x.jpg")
            } catch {
                throw ConfigurationError(
                    "invalid --known-people-prefix / KNOWN_PEOPLE_PREFIX \"\(prefix)\": \(error) (a relative folder such as known_people)")
            }
        }

        LoggingSetup.bootstrap(level: options.logLevel, format: options.logFormat, service: "frontend")
        let registry = MetricsSetup.bootstrap()
        var logger = Logger(label: "frontend")
        logger.logLevel = options.logLevel

        let pool = MySQLPool(configuration: databaseConfiguration, logger: logger)
        let health = HealthState()
        let dependencies = FrontendDependencies(
            store: MySQLFrontendStore(pool: pool), imageRoot: ImageRoot(path: imageRootPath), knownPeoplePrefix: prefix,
            health: health, registry: registry)
        let app = try buildApplication(dependencies, host: host, port: port, logger: logger)
        logger.info(
            "frontend starting",
            metadata: [
                "address": "\(host):\(port)", "image_root": "\(imageRootPath)", "known_people_prefix": "\(prefix)",
                "db": "\(databaseConfiguration)",
            ])
        // DrainService last: on SIGTERM it stops first, reporting not-ready while the server keeps serving.
        try await ServiceRunner.run([app], health: health, options: options, logger: logger, afterStop: {
            await pool.shutdown()
        })
        logger.info("frontend stopped")
    }
}

await CommandRunner.run(FrontendCommand.self)
