import FaceEngine
import FaceGallery
import FaceRecognitionServer
import Logging
import Migrations
import MySQL
import ServiceLifecycle

/// Loads the models and the gallery, then makes the service ready and keeps the gallery in step with
/// MySQL. Model failures end the process (a restart will not fix missing files but makes the problem
/// visible); an unreachable database is retried.
struct RecognitionLoader: Service {
    let settings: FaceRecognitionSettings
    let pool: MySQLPool
    let readiness: ServiceReadiness
    let logger: Logger

    func run() async throws {
        let engine = try await FaceEngine(configuration: settings.engine, logger: Logger(label: "face-engine"))
        let index = GalleryIndex(threshold: settings.matchThreshold)
        let store = GalleryStore(
            pool: pool, analyzer: engine, index: index,
            configuration: GalleryStoreConfiguration(
                knownPeopleDirectory: settings.knownPeopleDirectory, maxConcurrentAnalyses: settings.engine.workerCount),
            logger: Logger(label: "gallery"))

        await cancelWhenGracefulShutdown {
            var delay = Duration.seconds(1)
            while !Task.isCancelled {
                do {
                    if settings.migrate {
                        let migration = try await Migrator(pool: pool).migrate()
                        logger.info("database migrated", metadata: ["version": "\(migration.version)", "applied": "\(migration.applied)"])
                    }
                    let report = try await store.sync()
                    logger.info(
                        "gallery loaded",
                        metadata: [
                            "faces": "\(report.galleryFaces)", "known_images": "\(report.knownImages)",
                            "computed": "\(report.descriptorsComputed)", "unusable": "\(report.unusableImages)",
                        ])
                    break
                } catch {
                    logger.error("loading the gallery failed; retrying", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(30))
                }
            }
            guard !Task.isCancelled else { return }
            readiness.becomeReady(RecognitionComponents(analyzer: engine, gallery: index, manager: store))
            if let refresh = settings.galleryRefresh {
                await store.syncPeriodically(every: refresh)
            } else {
                try? await gracefulShutdown()
            }
        }
        await engine.shutdown()
    }
}
