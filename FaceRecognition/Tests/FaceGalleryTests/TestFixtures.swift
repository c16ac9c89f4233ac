import FaceEngine
import Foundation
import Logging

/// The engine and photos the tests share (models and photos come from scripts/fetch-test-data.sh).
enum Fixtures {
    static let photos = FaceEngineConfiguration.repositoryRoot + "/.cache/photos"

    private static let sharedEngine = Task { () throws -> FaceEngine in
        try await FaceEngine(configuration: FaceEngineConfiguration(workerCount: 2), logger: Logger(label: "test-engine"))
    }

    static func engine() async throws -> FaceEngine {
        try await sharedEngine.value
    }

    /// A new empty folder under the system temp directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "fr-gallery-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func copyPhoto(_ name: String, to directory: String, as target: String? = nil) throws {
        try FileManager.default.copyItem(atPath: photos + "/" + name, toPath: directory + "/" + (target ?? name))
    }
}
