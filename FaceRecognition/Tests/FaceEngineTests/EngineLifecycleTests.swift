import FaceEngine
import Foundation
import Testing

@Suite("Engine start and shutdown")
struct EngineLifecycleTests {
    @Test("missing models are reported at start with a hint")
    func missingModels() async throws {
        let config = FaceEngineConfiguration(modelsDirectory: "/nonexistent/models", workerCount: 2)
        do {
            _ = try await FaceEngine(configuration: config)
            Issue.record("the engine started without models")
        } catch {
            guard case .modelsUnavailable(let reason) = error else { Issue.record("got \(error)"); return }
            #expect(reason.contains("shape_predictor_5_face_landmarks.dat"))
            #expect(reason.contains("fetch-test-data.sh"))
            #expect(error.category == .unavailable)
        }
    }

    @Test("a model file that is not a model")
    func brokenModel() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fe-broken-models-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(
            atPath: TestPhotos.modelsDirectory + "/shape_predictor_5_face_landmarks.dat",
            toPath: dir + "/shape_predictor_5_face_landmarks.dat")
        try Data("not a network".utf8).write(to: URL(fileURLWithPath: dir + "/dlib_face_recognition_resnet_model_v1.dat"))
        do {
            _ = try await FaceEngine(configuration: FaceEngineConfiguration(modelsDirectory: dir, workerCount: 1))
            Issue.record("the engine started with a broken model")
        } catch {
            guard case .modelsUnavailable(let reason) = error else { Issue.record("got \(error)"); return }
            #expect(reason.contains(dir))
        }
    }

    @Test("zero workers is refused")
    func zeroWorkers() async throws {
        await #expect(throws: FaceEngineError.self) {
            try await FaceEngine(configuration: FaceEngineConfiguration(modelsDirectory: TestPhotos.modelsDirectory, workerCount: 0))
        }
    }

    @Test("after shutdown, analyses fail with .shutDown")
    func shutdown() async throws {
        let engine = try await FaceEngine(configuration: TestPhotos.configuration(workers: 1))
        #expect(try await engine.analyze(imageAt: TestPhotos.path("obama2.jpg")).faces.count == 1)
        await engine.shutdown()
        await #expect(throws: FaceEngineError.shutDown) {
            try await engine.analyze(imageAt: TestPhotos.path("obama2.jpg"))
        }
    }

    @Test("FACE_MODELS_DIR overrides the default models folder")
    func modelsDirectoryFromEnvironment() {
        #expect(FaceEngineConfiguration.defaultModelsDirectory(environment: ["FACE_MODELS_DIR": "/models"]) == "/models")
        #expect(FaceEngineConfiguration.defaultModelsDirectory(environment: [:]).hasSuffix("/.cache/models"))
    }
}
