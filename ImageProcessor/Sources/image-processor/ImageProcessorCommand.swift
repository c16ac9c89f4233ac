import ArgumentParser
import Config
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Hummingbird
import ImageQueue
import Logging
import MySQL
import NSQ
import Observability
import OperationalHTTP
import PeopleLibrary
import ProcessorCore
import ServiceLifecycle

/// `image-processor`: consumes image ids, asks FaceRecognition, records faces and people.
struct ImageProcessorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image-processor",
        abstract: "Process queued images with the FaceRecognition service; retry, requeue and sweep.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var queue: QueueOptions
    @OptionGroup var service: ServiceOptions

    @Option(name: .customLong("face-api"), help: "v2 (facerecog.v2) or v1 (the sample's facerecog.Identify). Env: FACE_API. Default: v2")
    var faceAPI: String?

    @Option(
        name: [.customLong("face-recognition-address"), .customLong("grpc-address")],
        help: "FaceRecognition gRPC host:port (--grpc-address is an alias). Env: FACE_RECOGNITION_ADDRESS. Default: 127.0.0.1:50051")
    var faceRecognitionAddress: String?

    @Option(name: .customLong("admin-host"), help: "Admin HTTP (healthz, readyz, metrics) address. Env: ADMIN_HOST. Default: 0.0.0.0")
    var adminHost: String?

    @Option(name: .customLong("admin-port"), help: "Admin HTTP port. Env: ADMIN_PORT. Default: 8081")
    var adminPort: String?

    @Option(name: .customLong("max-in-flight"), help: "Images processed at once. Env: MAX_IN_FLIGHT. Default: 4")
    var maxInFlight: String?

    @Option(name: .customLong("max-attempts"), help: "Attempts before an image fails for good. Env: MAX_ATTEMPTS. Default: 5")
    var maxAttempts: String?

    @Option(name: .customLong("retry-base-seconds"), help: "First retry delay, doubled per attempt. Env: RETRY_BASE_SECONDS. Default: 2")
    var retryBaseSeconds: String?

    @Option(name: .customLong("retry-max-seconds"), help: "Longest retry delay. Env: RETRY_MAX_SECONDS. Default: 300")
    var retryMaxSeconds: String?

    @Option(name: .customLong("lease-seconds"), help: "Claim lease (extended while working). Env: LEASE_SECONDS. Default: 60")
    var leaseSeconds: String?

    @Option(name: .customLong("deadline-seconds"), help: "gRPC deadline of one Identify call. Env: RECOGNITION_DEADLINE_SECONDS. Default: 30")
    var deadlineSeconds: String?

    @Option(name: .customLong("breaker-failures"), help: "Consecutive failures that open the circuit breaker. Env: BREAKER_FAILURES. Default: 5")
    var breakerFailures: String?

    @Option(name: .customLong("breaker-cooldown-seconds"), help: "Open breaker cool-down before a health probe. Env: BREAKER_COOLDOWN_SECONDS. Default: 5")
    var breakerCooldownSeconds: String?

    @Option(name: .customLong("sweep-interval-seconds"), help: "Sweeper period. Env: SWEEP_INTERVAL_SECONDS. Default: 5")
    var sweepIntervalSeconds: String?

    @Option(name: .customLong("unqueued-grace-seconds"), help: "Age of a never-queued pending row before the sweeper publishes it (NSQ). Env: UNQUEUED_GRACE_SECONDS. Default: 10")
    var unqueuedGraceSeconds: String?

    @Option(name: .customLong("requeue-after-seconds"), help: "Age of an announcement still pending (no lease, retry due) before the sweeper announces it again (NSQ; covers messages a crashed nsqd lost). Env: REQUEUE_AFTER_SECONDS. Default: 30")
    var requeueAfterSeconds: String?

    @Option(name: .customLong("group-faces"), help: "Group unknown faces of processed images (on/off). Env: GROUP_FACES. Default: on")
    var groupFaces: String?

    @Option(name: .customLong("group-min-face-size"), help: "Shorter box side (px) below which an unknown face is a bystander and not grouped. Env: GROUP_MIN_FACE_SIZE. Default: 60")
    var groupMinFaceSize: String?

    @Option(name: .customLong("group-join-distance"), help: "A face joins the nearest group whose centroid is at most this far. Env: GROUP_JOIN_DISTANCE. Default: 0.45")
    var groupJoinDistance: String?

    @Option(name: .customLong("group-backfill-batch"), help: "Ungrouped unknown faces the sweeper's backfill looks at per sweep (0: none). Env: GROUP_BACKFILL_BATCH. Default: 500")
    var groupBackfillBatch: String?

    func run() async throws {
        let reader = SettingsReader()
        let options = try service.resolve(reader)
        LoggingSetup.bootstrap(level: options.logLevel, format: options.logFormat, service: "image-processor")
        let registry = MetricsSetup.bootstrap()
        let logger = Logger(label: "image-processor")

        enum FaceAPI: String, CaseIterable { case v1, v2 }
        let api = try reader.choice(faceAPI, "face-api", env: ["FACE_API"], default: FaceAPI.v2)
        guard let frAddress = try reader.address(
            faceRecognitionAddress, "face-recognition-address", env: ["FACE_RECOGNITION_ADDRESS"],
            default: "127.0.0.1:50051", defaultPort: 50051)
        else { throw ConfigurationError("missing --face-recognition-address") }
        let adminHost = reader.string(adminHost, "admin-host", env: ["ADMIN_HOST"], default: "0.0.0.0")
        let adminPort = try reader.int(adminPort, "admin-port", env: ["ADMIN_PORT"], default: 8081, range: 1...65535)
        let maxInFlight = try reader.int(maxInFlight, "max-in-flight", env: ["MAX_IN_FLIGHT"], default: 4, range: 1...1000)
        let maxAttempts = try reader.int(maxAttempts, "max-attempts", env: ["MAX_ATTEMPTS"], default: 5, range: 1...100)
        func seconds(_ flag: String?, _ name: String, _ env: String, _ fallback: Double, _ range: ClosedRange<Double>) throws -> Duration {
            .milliseconds(Int64(try reader.double(flag, name, env: [env], default: fallback, range: range) * 1000))
        }
        let retryBase = try seconds(retryBaseSeconds, "retry-base-seconds", "RETRY_BASE_SECONDS", 2, 0.01...3600)
        let retryMax = try seconds(retryMaxSeconds, "retry-max-seconds", "RETRY_MAX_SECONDS", 300, 0.01...86400)
        let lease = try seconds(leaseSeconds, "lease-seconds", "LEASE_SECONDS", 60, 1...3600)
        let deadline = try seconds(deadlineSeconds, "deadline-seconds", "RECOGNITION_DEADLINE_SECONDS", 30, 0.1...3600)
        let breakerFailures = try reader.int(breakerFailures, "breaker-failures", env: ["BREAKER_FAILURES"], default: 5, range: 1...1000)
        let coolDown = try seconds(breakerCooldownSeconds, "breaker-cooldown-seconds", "BREAKER_COOLDOWN_SECONDS", 5, 0.01...3600)
        let sweepInterval = try seconds(sweepIntervalSeconds, "sweep-interval-seconds", "SWEEP_INTERVAL_SECONDS", 5, 0.1...3600)
        let grace = try seconds(unqueuedGraceSeconds, "unqueued-grace-seconds", "UNQUEUED_GRACE_SECONDS", 10, 0...3600)
        let requeueAfter = try seconds(requeueAfterSeconds, "requeue-after-seconds", "REQUEUE_AFTER_SECONDS", 30, 1...86400)
        enum Switch: String, CaseIterable { case on, off }
        let grouping = try reader.choice(groupFaces, "group-faces", env: ["GROUP_FACES"], default: Switch.on)
        let groupingSettings = FaceGroupingSettings(
            joinDistance: Float(try reader.double(groupJoinDistance, "group-join-distance", env: ["GROUP_JOIN_DISTANCE"], default: 0.45, range: 0.05...2)),
            minFaceSize: try reader.int(groupMinFaceSize, "group-min-face-size", env: ["GROUP_MIN_FACE_SIZE"], default: 60, range: 0...10000))
        let backfillBatch = try reader.int(
            groupBackfillBatch, "group-backfill-batch", env: ["GROUP_BACKFILL_BATCH"], default: 500, range: 0...100_000)
        var databaseConfiguration = try database.resolve(reader)
        // Every in-flight image may hold a connection, plus the consumer's poll and the sweeper.
        databaseConfiguration.poolSize = max(databaseConfiguration.poolSize, maxInFlight + 2)
        let queueSettings = try queue.resolve(reader)

        let pool = MySQLPool(configuration: databaseConfiguration, logger: logger)
        let owner = MySQLQueueConfiguration.defaultOwner()
        let repository = ImageRepository(pool: pool)
        let channel = try FaceRecognitionChannel(host: frAddress.host, port: frAddress.port)
        let recognizer: any FaceRecognizer =
            switch api {
            case .v2: GRPCFaceRecognizer(client: channel.client)
            case .v1: GRPCFaceRecognizerV1(client: channel.client, people: repository)
            }
        let breaker = CircuitBreaker(failureThreshold: breakerFailures, coolDown: coolDown, onChange: { from, to in
            logger.warning("circuit breaker \(from) -> \(to)", metadata: ["face_recognition": "\(channel.target)"])
        })
        let settings = ProcessorSettings(
            owner: owner, maxAttempts: maxAttempts, retryBase: retryBase, retryMax: retryMax, lease: lease,
            recognitionDeadline: deadline)
        let grouper: (any FaceGrouping)? =
            grouping == .on
            ? MySQLUnknownFaceGrouper(pool: pool, settings: groupingSettings, logger: Logger(label: "image-processor.grouping"))
            : nil
        let processor = ImageProcessor(
            repository: repository, recognizer: recognizer, breaker: breaker, settings: settings, grouping: grouper,
            logger: logger)

        let consumer: any ImageQueueConsumer
        var republisher: (any ImagePublisher)?
        var producer: NSQProducer?
        switch queueSettings.kind {
        case .mysql:
            consumer = MySQLImageConsumer(
                pool: pool, configuration: MySQLQueueConfiguration(owner: owner, maxInFlight: maxInFlight, lease: lease),
                logger: Logger(label: "image-processor.queue"))
        case .nsq:
            var nsq = NSQConsumerConfiguration(topic: queueSettings.topic, channel: queueSettings.channel)
            nsq.maxInFlight = maxInFlight
            nsq.nsqdTCPAddresses = queueSettings.nsqd.map(\.description)
            nsq.lookupdHTTPAddresses = queueSettings.lookupd.map { [$0.description] } ?? []
            consumer = try NSQImageConsumer(configuration: nsq, logger: Logger(label: "image-processor.nsq"))
            let nsqProducer = try NSQProducer(
                configuration: NSQProducerConfiguration(nsqdTCPAddress: queueSettings.producer.description),
                logger: Logger(label: "image-processor.nsq-producer"))
            producer = nsqProducer
            republisher = try NSQImagePublisher(producer: nsqProducer, topic: queueSettings.topic)
        }
        let sweeper = Sweeper(
            pool: pool, publisher: republisher,
            settings: Sweeper.Settings(
                interval: sweepInterval, maxAttempts: maxAttempts, unqueuedGrace: grace, requeueAfter: requeueAfter,
                orphanedAfter: lease, groupBackfillBatch: backfillBatch),
            grouping: grouper, logger: Logger(label: "image-processor.sweeper"))

        let health = HealthState()
        health.addReadinessCheck("database") { await pool.isReachable() ? nil : "database unreachable" }
        let admin = AdminServer.make(host: adminHost, port: adminPort, health: health, registry: registry, logger: logger)
        logger.info(
            "image-processor starting",
            metadata: [
                "queue": "\(queueSettings.kind.rawValue)", "face_api": "\(api.rawValue)", "face_recognition": "\(channel.target)",
                "db": "\(databaseConfiguration)", "owner": "\(owner)", "max_in_flight": "\(maxInFlight)",
                "grouping": "\(grouper == nil ? "off" : "min \(groupingSettings.minFaceSize) px, join \(groupingSettings.joinDistance)")",
            ])
        // Reverse order on shutdown: drain (readiness off), admin, sweeper, processor (in-flight work), then
        // the gRPC channel the in-flight work still needs.
        let services: [any Service] = [
            channel, ProcessorService(consumer: consumer, processor: processor, logger: logger), sweeper, admin,
        ]
        try await ServiceRunner.run(services, health: health, options: options, logger: logger, afterStop: {
            producer?.shutdown()
            await pool.shutdown()
        })
        logger.info("image-processor stopped")
    }
}
