import ArgumentParser
import Config
import FrontendApp
import Hummingbird
import ImageFiles
import Logging
import MySQL
import Observability
import PeopleLibrary
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

    @Option(
        name: [.customLong("face-recognition-address"), .customLong("grpc-address")],
        help: "FaceRecognition gRPC host:port, for enrolling people from uploaded photos (--grpc-address is an alias). Env: FACE_RECOGNITION_ADDRESS. Default: 127.0.0.1:50051")
    var faceRecognitionAddress: String?

    @Option(
        name: .customLong("api-token"),
        help: "When set, every change (API or form) needs Authorization: Bearer <token> or a login with it at /login; reads stay open. Unset: changes are open to anyone. Env: FRONTEND_API_TOKEN")
    var apiToken: String?

    @Option(
        name: .customLong("session-secret"),
        help: "Key for the CSRF and login cookies; give every replica the same one. Env: FRONTEND_SESSION_SECRET. Default: derived from the API token, else random per process")
    var sessionSecret: String?

    @Option(name: .customLong("max-upload-bytes"), help: "Largest enrollment upload (all photos of one request). Env: MAX_UPLOAD_BYTES. Default: 16777216")
    var maxUploadBytes: String?

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

        guard let frAddress = try reader.address(
            faceRecognitionAddress, "face-recognition-address", env: ["FACE_RECOGNITION_ADDRESS"],
            default: "127.0.0.1:50051", defaultPort: 50051)
        else { throw ConfigurationError("missing --face-recognition-address") }
        let token = reader.optionalString(apiToken, "api-token", env: ["FRONTEND_API_TOKEN"]).flatMap { $0.isEmpty ? nil : $0 }
        let secret = reader.optionalString(sessionSecret, "session-secret", env: ["FRONTEND_SESSION_SECRET"]).flatMap { $0.isEmpty ? nil : $0 }
        let maxUpload = try reader.int(maxUploadBytes, "max-upload-bytes", env: ["MAX_UPLOAD_BYTES"], default: 16 << 20, range: 1024...(512 << 20))

        LoggingSetup.bootstrap(level: options.logLevel, format: options.logFormat, service: "frontend")
        let registry = MetricsSetup.bootstrap()
        var logger = Logger(label: "frontend")
        logger.logLevel = options.logLevel

        let pool = MySQLPool(configuration: databaseConfiguration, logger: logger)
        let health = HealthState()
        let faceRecognition = try FaceRecognitionConnection(host: frAddress.host, port: frAddress.port)
        let access = WriteAccess(
            apiToken: token, signer: (secret ?? token).map { CookieSigner(secret: $0) } ?? CookieSigner.random())
        let dependencies = FrontendDependencies(
            store: MySQLFrontendStore(pool: pool), imageRoot: ImageRoot(path: imageRootPath), knownPeoplePrefix: prefix,
            health: health, registry: registry, people: MySQLPeopleLibrary(pool: pool, grouper: MySQLUnknownFaceGrouper(pool: pool, logger: logger), logger: logger),
            enroller: GRPCPersonEnroller(client: faceRecognition.client), access: access, maxUploadBytes: maxUpload)
        let app = try buildApplication(dependencies, host: host, port: port, logger: logger)
        logger.info(
            "frontend starting",
            metadata: [
                "address": "\(host):\(port)", "image_root": "\(imageRootPath)", "known_people_prefix": "\(prefix)",
                "db": "\(databaseConfiguration)", "face_recognition": "\(faceRecognition.target)",
                "writes": "\(token == nil ? "open (no API token)" : "API token or login")", "max_upload_bytes": "\(maxUpload)",
            ])
        // DrainService last: on SIGTERM it stops first, reporting not-ready while the server keeps serving.
        try await ServiceRunner.run([faceRecognition, app], health: health, options: options, logger: logger, afterStop: {
            await pool.shutdown()
        })
        logger.info("frontend stopped")
    }
}

await CommandRunner.run(FrontendCommand.self)
