import ArgumentParser
import Config
import Foundation
import Hummingbird
import ImageFiles
import ImageQueue
import Logging
import MySQL
import NSQ
import Observability
import ReceiverApp
import ServiceLifecycle

/// `receiver`: the HTTP intake. Every setting is a flag and an environment variable.
struct ReceiverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receiver",
        abstract: "Accept image paths and uploads over HTTP, store them as pending and queue them for processing.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var queue: QueueOptions
    @OptionGroup var service: ServiceOptions

    @Option(help: "Listen address. Env: HOST. Default: 0.0.0.0")
    var host: String?

    @Option(help: "Listen port. Env: PORT. Default: 8000")
    var port: String?

    @Option(name: .customLong("image-root"), help: "Folder image paths are relative to (uploads go to <root>/uploads). Env: IMAGE_ROOT. Default: ./images")
    var imageRoot: String?

    @Option(name: .customLong("api-token"), help: "Require 'Authorization: Bearer <token>' on writes. Env: RECEIVER_API_TOKEN. Default: none (open)")
    var apiToken: String?

    @Option(name: .customLong("max-body-bytes"), help: "Largest JSON body. Env: MAX_BODY_BYTES. Default: 1048576")
    var maxBodyBytes: String?

    @Option(name: .customLong("max-batch-paths"), help: "Most paths in one POST /images/post. Env: MAX_BATCH_PATHS. Default: 1000")
    var maxBatchPaths: String?

    @Option(name: .customLong("max-upload-bytes"), help: "Largest uploaded image. Env: MAX_UPLOAD_BYTES. Default: 20971520")
    var maxUploadBytes: String?

    @Option(name: .customLong("coalesce-max-requests"), help: "Most concurrent POST /image/post requests stored and published together (group commit); 1 turns coalescing off. Env: COALESCE_MAX_REQUESTS. Default: 256")
    var coalesceMaxRequests: String?

    @Option(name: .customLong("coalesce-window-ms"), help: "How long a batch formed under load may wait to fill; an idle request never waits. Env: COALESCE_WINDOW_MS. Default: 0")
    var coalesceWindowMS: String?

    @Option(name: .customLong("coalesce-lanes"), help: "Coalesced batches stored at once (a path always uses the same lane). Env: COALESCE_LANES. Default: 2")
    var coalesceLanes: String?

    @Option(
        name: .customLong("coalesce-publishes-in-flight"),
        help: "Answered coalesced batches per lane whose publishes run at once; the next batch waits for the oldest. Env: COALESCE_PUBLISHES_IN_FLIGHT. Default: 4")
    var coalescePublishesInFlight: String?

    func run() async throws {
        let reader = SettingsReader()
        let options = try service.resolve(reader)
        LoggingSetup.bootstrap(level: options.logLevel, format: options.logFormat, service: "receiver")
        let registry = MetricsSetup.bootstrap()
        let logger = Logger(label: "receiver")

        let host = reader.string(host, "host", env: ["HOST"], default: "0.0.0.0")
        let port = try reader.int(port, "port", env: ["PORT"], default: 8000, range: 1...65535)
        let root = reader.string(imageRoot, "image-root", env: ["IMAGE_ROOT"], default: "./images")
        let settings = ReceiverSettings(
            maxBodyBytes: try reader.int(maxBodyBytes, "max-body-bytes", env: ["MAX_BODY_BYTES"], default: 1 << 20, range: 64...(256 << 20)),
            maxBatchPaths: try reader.int(maxBatchPaths, "max-batch-paths", env: ["MAX_BATCH_PATHS"], default: 1000, range: 1...100_000),
            maxUploadBytes: try reader.int(maxUploadBytes, "max-upload-bytes", env: ["MAX_UPLOAD_BYTES"], default: 20 << 20, range: 1024...(1 << 30)),
            apiToken: reader.optionalString(apiToken, "api-token", env: ["RECEIVER_API_TOKEN"]),
            maxCoalescedRequests: try reader.int(coalesceMaxRequests, "coalesce-max-requests", env: ["COALESCE_MAX_REQUESTS"], default: 256, range: 1...1000),
            coalescingWindow: .milliseconds(try reader.int(coalesceWindowMS, "coalesce-window-ms", env: ["COALESCE_WINDOW_MS"], default: 0, range: 0...100)),
            coalescingLanes: try reader.int(coalesceLanes, "coalesce-lanes", env: ["COALESCE_LANES"], default: 2, range: 1...64),
            coalescedPublishesInFlight: try reader.int(
                coalescePublishesInFlight, "coalesce-publishes-in-flight", env: ["COALESCE_PUBLISHES_IN_FLIGHT"], default: 4,
                range: 1...64))
        let databaseConfiguration = try database.resolve(reader)
        let queueSettings = try queue.resolve(reader)

        let pool = MySQLPool(configuration: databaseConfiguration, logger: logger)
        let publisher: any ImagePublisher
        var producer: NSQProducer?
        switch queueSettings.kind {
        case .mysql:
            publisher = MySQLImagePublisher()
        case .nsq:
            let nsq = try NSQProducer(
                configuration: NSQProducerConfiguration(nsqdTCPAddress: queueSettings.producer.description),
                logger: Logger(label: "receiver.nsq"))
            producer = nsq
            publisher = try NSQImagePublisher(producer: nsq, topic: queueSettings.topic)
        }
        let health = HealthState()
        let dependencies = ReceiverDependencies(
            store: MySQLImageStore(pool: pool), publisher: publisher,
            imageRoot: ImageRoot(path: root), health: health, registry: registry, settings: settings, logger: logger)
        let app = buildApplication(dependencies, host: host, port: port)
        logger.info(
            "receiver starting",
            metadata: [
                "address": "\(host):\(port)", "queue": "\(queueSettings.kind.rawValue)", "db": "\(databaseConfiguration)",
                "image_root": "\(root)", "auth": "\(settings.apiToken == nil ? "off" : "bearer")",
                "coalesce_max_requests": "\(settings.maxCoalescedRequests)", "coalesce_lanes": "\(settings.coalescingLanes)",
            ])
        // On SIGTERM readiness drops and requests are served through the drain; then the server stops
        // accepting and finishes in-flight requests.
        try await ServiceRunner.run([app], health: health, options: options, logger: logger, afterStop: {
            // Coalesced batches were answered before their publish: let running publishes end first.
            if await !dependencies.publishes.finish(within: .seconds(10)) {
                logger.warning(
                    "publishes still running at shutdown; the sweeper re-announces their rows",
                    metadata: ["publishes": "\(dependencies.publishes.count)"])
            }
            producer?.shutdown()
            await pool.shutdown()
        })
        logger.info("receiver stopped")
    }
}
