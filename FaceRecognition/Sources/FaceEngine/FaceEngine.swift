import CFaceEngine
import Foundation
import Logging
import Metrics
import Models

/// Face detection, landmarks and descriptors over dlib, served by a pool of dedicated worker threads.
///
/// Each worker owns its own detector and nets (dlib's are not thread-safe) and runs on its own thread, so
/// `analyze` suspends the caller instead of blocking an event loop. Results do not depend on which worker
/// ran them or on how many run at once.
public final class FaceEngine: FaceAnalyzing {
    public let configuration: FaceEngineConfiguration
    private let pool: WorkerThreadPool
    private let logger: Logger
    private let metrics: FaceEngineMetrics

    /// Loads the models into `configuration.workerCount` workers (in parallel, ~0.5 s each for HOG).
    public init(
        configuration: FaceEngineConfiguration = FaceEngineConfiguration(),
        logger: Logger = Logger(label: "FaceEngine")
    ) async throws(FaceEngineError) {
        guard configuration.workerCount >= 1 else {
            throw .invalidArgument("workerCount must be at least 1, got \(configuration.workerCount)")
        }
        // Parallelism comes from the workers; a multi-threaded BLAS inside each would oversubscribe the cores.
        fe_set_blas_threads(1)
        var options = fe_default_options()
        options.detector = configuration.detector == .hog ? FE_DETECTOR_HOG : FE_DETECTOR_CNN
        options.max_file_bytes = Int64(configuration.maxFileBytes)
        options.max_pixels = Int64(configuration.maxPixels)
        options.upsample_below_min_side = Int32(clamping: configuration.detectionScale.upsampleBelowMinSide ?? 0)
        options.downscale_above_long_side = Int32(clamping: configuration.detectionScale.downscaleAboveLongSide ?? 0)
        options.detection_threshold = configuration.detectionThreshold
        options.apply_exif_orientation = configuration.appliesEXIFOrientation ? 1 : 0
        options.cnn_fallback = configuration.fallback == nil ? 0 : 1
        options.fallback_max_long_side = Int32(clamping: configuration.fallback?.maxLongSide ?? 0)
        options.mirror_average = configuration.averagesMirroredChip ? 1 : 0
        let workerOptions = options
        let modelsDirectory = configuration.modelsDirectory

        let started = ContinuousClock.now
        self.pool = try await WorkerThreadPool.start(
            count: configuration.workerCount, name: "face-engine",
            makeWorker: {
                var options = workerOptions
                var error = fe_error()
                guard let worker = fe_worker_create(modelsDirectory, &options, &error) else {
                    return .failure(FaceEngineError(error))
                }
                return .success(worker)
            },
            destroyWorker: { fe_worker_destroy($0) }
        )
        self.configuration = configuration
        self.logger = logger
        self.metrics = FaceEngineMetrics()
        logger.info(
            "face engine started",
            metadata: [
                "workers": "\(configuration.workerCount)", "detector": "\(configuration.detector.rawValue)",
                "models_dir": "\(modelsDirectory)", "descriptor_version": "\(configuration.descriptorVersion)",
                "startup": "\(ContinuousClock.now - started)",
            ])
    }

    deinit {
        pool.shutdownWithoutWaiting()
    }

    /// Number of worker threads.
    public var workerCount: Int { pool.count }

    public var descriptorVersion: Int { configuration.descriptorVersion }

    /// Analyses waiting for a free worker right now.
    public var queuedAnalyses: Int { pool.queuedJobs }

    public func analyze(imageAt path: String) async throws(FaceEngineError) -> FaceAnalysis {
        try await analyze(imageAt: path, logger: logger)
    }

    public func analyze(imageData: [UInt8]) async throws(FaceEngineError) -> FaceAnalysis {
        try await analyze(imageData: imageData, logger: logger)
    }

    /// Like `analyze(imageAt:)`, logging with the caller's logger (carry `image_id` in its metadata).
    public func analyze(imageAt path: String, logger: Logger) async throws(FaceEngineError) -> FaceAnalysis {
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw .invalidArgument("the image path is empty or contains a NUL byte")
        }
        return try await run(logger: logger, source: path) { worker, result, error in
            fe_analyze_file(worker, path, &result, &error)
        }
    }

    /// Like `analyze(imageData:)`, logging with the caller's logger (carry `image_id` in its metadata).
    public func analyze(imageData: [UInt8], logger: Logger) async throws(FaceEngineError) -> FaceAnalysis {
        try await run(logger: logger, source: "\(imageData.count) bytes") { worker, result, error in
            imageData.withUnsafeBufferPointer { buffer in
                fe_analyze_bytes(worker, buffer.baseAddress, buffer.count, &result, &error)
            }
        }
    }

    /// Stops accepting work, fails queued analyses with `.shutDown`, and waits for running ones to finish.
    public func shutdown() async {
        await pool.shutdown()
    }

    private func run(
        logger: Logger, source: String,
        _ call: @escaping (OpaquePointer, inout fe_result, inout fe_error) -> fe_status
    ) async throws(FaceEngineError) -> FaceAnalysis {
        let submitted = ContinuousClock.now
        let outcome: Result<FaceAnalysis, FaceEngineError> = await withCheckedContinuation { continuation in
            pool.submit(
                WorkerThreadPool.Job(
                    run: { worker in
                        let queueWait = ContinuousClock.now - submitted
                        var result = fe_result()
                        var error = fe_error()
                        let status = call(worker, &result, &error)
                        guard status == FE_OK else {
                            continuation.resume(returning: .failure(FaceEngineError(error)))
                            return
                        }
                        defer { fe_result_free(&result) }
                        continuation.resume(returning: .success(FaceAnalysis(result, queueWait: queueWait)))
                    },
                    cancel: { continuation.resume(returning: .failure(.shutDown)) }
                ))
        }
        switch outcome {
        case .success(let analysis):
            metrics.record(analysis.timings, faces: analysis.faces.count)
            logger.debug(
                "analysed image",
                metadata: [
                    "source": "\(source)", "faces": "\(analysis.faces.count)",
                    "size": "\(analysis.imageWidth)x\(analysis.imageHeight)",
                    "total_ms": "\(analysis.timings.total.milliseconds)",
                    "queue_ms": "\(analysis.timings.queueWait.milliseconds)",
                ])
            return analysis
        case .failure(let error):
            metrics.recordFailure(error)
            logger.debug("image analysis failed", metadata: ["source": "\(source)", "error": "\(error)"])
            throw error
        }
    }
}

extension Duration {
    /// Milliseconds as a Double, for logs and tables.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    static func milliseconds(_ value: Double) -> Duration {
        .nanoseconds(Int64((value * 1e6).rounded()))
    }
}
