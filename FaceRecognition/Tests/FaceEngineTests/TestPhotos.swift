import FaceEngine
import Foundation
import Testing

/// The photos and models fetched by scripts/fetch-test-data.sh into the repo's git-ignored .cache/.
enum TestPhotos {
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static let photosDirectory = repositoryRoot + "/.cache/photos"

    static var modelsDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["FACE_MODELS_DIR"], !dir.isEmpty { return dir }
        return repositoryRoot + "/.cache/models"
    }

    /// Path of a fetched photo; records a clear failure when the cache has not been filled.
    static func path(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let path = photosDirectory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record(
                "missing test photo \(path): run scripts/fetch-test-data.sh from the repository root first",
                sourceLocation: sourceLocation)
            throw MissingTestData(path: path)
        }
        return path
    }

    static func bytes(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try path(name, sourceLocation: sourceLocation))))
    }

    static func configuration(workers: Int = 2) -> FaceEngineConfiguration {
        FaceEngineConfiguration(modelsDirectory: modelsDirectory, workerCount: workers)
    }
}

struct MissingTestData: Error, CustomStringConvertible {
    var path: String
    var description: String { "missing \(path): run scripts/fetch-test-data.sh" }
}

/// One engine shared by the tests of this process (loading the nets takes about a second).
enum SharedEngine {
    private static let starting = Task { try await FaceEngine(configuration: TestPhotos.configuration()) }

    static func get() async throws -> FaceEngine {
        guard FileManager.default.fileExists(atPath: TestPhotos.modelsDirectory + "/dlib_face_recognition_resnet_model_v1.dat")
        else {
            Issue.record("missing models in \(TestPhotos.modelsDirectory): run scripts/fetch-test-data.sh first")
            throw MissingTestData(path: TestPhotos.modelsDirectory)
        }
        return try await starting.value
    }
}
