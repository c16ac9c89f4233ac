import ArgumentParser
import Config
import FaceEngine
import FaceGallery
import FaceRecognitionServer
import Foundation
import Logging
import MySQL
import Observability

/// `face-recognition`: the gRPC face recognition service. Every setting is a flag and an environment
/// variable; the flag wins.
struct FaceRecognitionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "face-recognition",
        abstract: "gRPC face recognition over dlib: v1 (the sample's facerecog.Identify/HealthCheck), v2 and grpc.health.v1.")

    @Option(name: .customLong("grpc-address"), help: "host:port to serve gRPC on. Env: GRPC_ADDRESS. Default: 0.0.0.0:50051")
    var grpcAddress: String?

    @Option(name: .customLong("image-root"), help: "Folder that request image paths are relative to (and confined to). Env: IMAGE_ROOT. Default: /data/images")
    var imageRoot: String?

    @Option(
        name: .customLong("known-people-dir"),
        help: "Folder with the known people's photos (person_images.image_name). Env: KNOWN_PEOPLE_DIR. Default: <image-root>/known_people")
    var knownPeopleDir: String?

    @Option(name: .customLong("models-dir"), help: "Folder with the dlib .dat models. Env: MODELS_DIR, FACE_MODELS_DIR. Default: /models")
    var modelsDir: String?

    @Option(name: .customLong("workers"), help: "Face engine worker threads (each loads the models). Env: WORKERS. Default: CPU count")
    var workers: String?

    @Option(name: .customLong("match-threshold"), help: "Largest euclidean distance that counts as the same person. Env: MATCH_THRESHOLD. Default: 0.6")
    var matchThreshold: String?

    @Option(name: .customLong("detector"), help: "hog or cnn. Env: DETECTOR. Default: hog")
    var detector: String?

    @Option(
        name: .customLong("cnn-fallback-max-side"),
        help: "When HOG finds no face, run the CNN detector on the photo shrunk to at most this longer side (0 = no fallback). Env: CNN_FALLBACK_MAX_SIDE. Default: \(DetectorFallback.defaultMaxLongSide)")
    var cnnFallbackMaxSide: String?

    @Option(
        name: .customLong("mirror-average"),
        help: "1 = each descriptor is the mean of the face chip's and its mirror image's (descriptor version 2, LFW View 1 DevTest 99.10 % vs 98.50 %); 0 = the sample's plain descriptors (version 1). Stored gallery faces of the other version are recomputed. Env: MIRROR_AVERAGE. Default: 1")
    var mirrorAverage: String?

    @Option(name: .customLong("gallery-refresh-seconds"), help: "How often to pick up gallery changes from MySQL (0 = never). Env: GALLERY_REFRESH_SECONDS. Default: 30")
    var galleryRefreshSeconds: String?

    @Option(name: .customLong("max-image-bytes"), help: "Largest image accepted. Env: MAX_IMAGE_BYTES. Default: 33554432")
    var maxImageBytes: String?

    @Option(name: .customLong("max-pixels"), help: "Largest image (width x height, from its header) decoded. Env: MAX_PIXELS. Default: 40000000")
    var maxPixels: String?

    @Option(name: .customLong("max-in-flight"), help: "Analyses in progress or queued before RESOURCE_EXHAUSTED. Env: MAX_IN_FLIGHT. Default: 64")
    var maxInFlight: String?

    @Option(name: .customLong("admin-address"), help: "host:port of the HTTP /healthz, /readyz, /metrics server. Env: ADMIN_ADDRESS. Default: 0.0.0.0:8082")
    var adminAddress: String?

    @Flag(name: .customLong("migrate"), help: "Apply the database migrations at start (otherwise the migrate job does). Env: MIGRATE=1")
    var migrate = false

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var service: ServiceOptions

    func run() async throws {
        let settings = try resolve()
        LoggingSetup.bootstrap(level: settings.service.logLevel, format: settings.service.logFormat, service: "face-recognition")
        let registry = MetricsSetup.bootstrap()
        try await FaceRecognitionApplication(settings: settings, registry: registry).run()
    }

    func resolve(_ reader: SettingsReader = SettingsReader()) throws -> FaceRecognitionSettings {
        guard let grpc = try reader.address(grpcAddress, "grpc-address", env: ["GRPC_ADDRESS"], default: "0.0.0.0:50051", defaultPort: 50051),
            let admin = try reader.address(adminAddress, "admin-address", env: ["ADMIN_ADDRESS"], default: "0.0.0.0:8082", defaultPort: 8082)
        else { throw ConfigurationError("missing address") }
        let imageRoot = reader.string(imageRoot, "image-root", env: ["IMAGE_ROOT"], default: "/data/images")
        let knownPeople = reader.string(knownPeopleDir, "known-people-dir", env: ["KNOWN_PEOPLE_DIR"], default: imageRoot + "/known_people")
        let models = reader.string(modelsDir, "models-dir", env: ["MODELS_DIR", "FACE_MODELS_DIR"], default: "/models")
        let workers = try reader.int(
            workers, "workers", env: ["WORKERS"], default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let threshold = try reader.double(matchThreshold, "match-threshold", env: ["MATCH_THRESHOLD"], default: 0.6, range: 0.01...4)
        let detector = try reader.choice(detector, "detector", env: ["DETECTOR"], default: FaceDetectorKind.hog)
        let fallbackSide = try reader.int(
            cnnFallbackMaxSide, "cnn-fallback-max-side", env: ["CNN_FALLBACK_MAX_SIDE"],
            default: DetectorFallback.defaultMaxLongSide, range: 0...20_000)
        let mirror = try reader.int(mirrorAverage, "mirror-average", env: ["MIRROR_AVERAGE"], default: 1, range: 0...1)
        let refresh = try reader.double(
            galleryRefreshSeconds, "gallery-refresh-seconds", env: ["GALLERY_REFRESH_SECONDS"], default: 30, range: 0...86_400)
        let maxBytes = try reader.int(maxImageBytes, "max-image-bytes", env: ["MAX_IMAGE_BYTES"], default: 32 << 20, range: 1024...(1 << 30))
        let maxPixels = try reader.int(maxPixels, "max-pixels", env: ["MAX_PIXELS"], default: 40_000_000, range: 10_000...1_000_000_000)
        let maxInFlight = try reader.int(maxInFlight, "max-in-flight", env: ["MAX_IN_FLIGHT"], default: 64, range: 1...100_000)

        var engine = FaceEngineConfiguration(
            modelsDirectory: models, workerCount: workers, detector: detector, maxFileBytes: maxBytes, maxPixels: maxPixels)
        engine.detectionScale = DetectionScalePolicy()
        engine.fallback = fallbackSide > 0 ? DetectorFallback(maxLongSide: fallbackSide) : nil
        engine.averagesMirroredChip = mirror == 1
        return FaceRecognitionSettings(
            server: FaceRecognitionServerConfiguration(
                host: grpc.host, port: grpc.port, maxImageBytes: maxBytes, maxInFlight: maxInFlight),
            admin: admin, imageRoot: imageRoot, knownPeopleDirectory: knownPeople, engine: engine, matchThreshold: threshold,
            galleryRefresh: refresh > 0 ? .milliseconds(Int64(refresh * 1000)) : nil,
            migrate: migrate || ["1", "true", "yes"].contains(reader.environment["MIGRATE"]?.lowercased() ?? ""),
            database: try database.resolve(reader), service: try service.resolve(reader))
    }
}
