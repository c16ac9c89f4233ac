import FaceEngine
import Foundation
import Models
import Testing

/// The CNN fallback of the HOG detector: recall on photos where HOG finds nothing, no change (and no
/// cost) on photos where it finds a face, and a bounded cost on photos with no face at all.
@Suite("HOG detector with the CNN fallback")
struct DetectorFallbackTests {
    /// A real HOG miss: LFW View 1 (../shared/data/lfw-view1, read in place, never copied), a frontal
    /// face HOG does not find even on the photo doubled to 500x500.
    @Test("an LFW photo where HOG finds nothing: the CNN fallback finds its face, near the centre")
    func lfwPhotoHOGMisses() async throws {
        let path = try LFWView1.photo("Arlen_Specter", 3)
        var hogOnly = TestPhotos.configuration(workers: 1)
        hogOnly.fallback = nil
        let withoutFallback = try await FaceEngine(configuration: hogOnly)
        let missed = try await withoutFallback.analyze(imageAt: path)
        await withoutFallback.shutdown()
        #expect(missed.faces.isEmpty, "HOG alone must miss this face, else the test proves nothing")
        #expect(!missed.usedFallback)

        let analysis = try await SharedEngine.get().analyze(imageAt: path)
        #expect(analysis.usedFallback)
        #expect(analysis.detector == .cnn)
        #expect(analysis.fallbackCPUTime < .milliseconds(800), "fallback took \(analysis.fallbackCPUTime) of CPU")  // ~0.17 s
        let face = try #require(analysis.faces.first)
        #expect(analysis.faces.count == 1)
        let centreX = (face.box.left + face.box.right) / 2, centreY = (face.box.top + face.box.bottom) / 2
        #expect(abs(centreX - 125) < 40 && abs(centreY - 125) < 40, "box \(face.box)")
        #expect(face.box.width > 60 && face.box.width < 220)
        #expect(face.landmarks.count == 5)
    }

    /// HOG needs faces of ~80 px; detecting on obama.jpg shrunk to 160 px leaves a ~35 px face. The
    /// fallback works on the photo itself (within its size bound) and finds the same face as HOG at full size.
    @Test("a face too small for HOG at its detection scale: the fallback finds the same face and descriptor")
    func faceTooSmallForHOG() async throws {
        var shrunk = TestPhotos.configuration(workers: 1)
        shrunk.detectionScale = DetectionScalePolicy(upsampleBelowMinSide: nil, downscaleAboveLongSide: 160)
        var shrunkHOGOnly = shrunk
        shrunkHOGOnly.fallback = nil
        let path = try TestPhotos.path("obama.jpg")

        let hogOnly = try await FaceEngine(configuration: shrunkHOGOnly)
        let missed = try await hogOnly.analyze(imageAt: path)
        await hogOnly.shutdown()
        #expect(missed.faces.isEmpty)

        let engine = try await FaceEngine(configuration: shrunk)
        let found = try await engine.analyze(imageAt: path)
        await engine.shutdown()
        let reference = try await SharedEngine.get().analyze(imageAt: path)
        try #require(found.faces.count == 1 && reference.faces.count == 1)
        #expect(found.usedFallback && found.detector == .cnn)
        let a = found.faces[0].box, b = reference.faces[0].box
        let centreShift = abs((a.left + a.right) - (b.left + b.right)) / 2 + abs((a.top + a.bottom) - (b.top + b.bottom)) / 2
        #expect(centreShift < b.width / 3, "fallback box \(a), HOG box \(b)")
        #expect(found.faces[0].descriptor.distance(to: reference.faces[0].descriptor) < 0.3)
    }

    @Test("photos with no face stay empty, and the bounded fallback answers quickly", arguments: [
        "mask_white.jpg", "mask_blue.jpg", "mask_black.jpg", "mask_green.jpg",
    ])
    func noFaceStaysEmpty(name: String) async throws {
        let analysis = try await SharedEngine.get().analyze(imageAt: TestPhotos.path(name))
        #expect(analysis.faces.isEmpty)
        #expect(analysis.usedFallback)
        // ≤ 640 px long side: ~0.6 CPU-s at most for the CNN (thread CPU time, so other load does not count).
        #expect(analysis.fallbackCPUTime > .zero)
        #expect(analysis.fallbackCPUTime < .milliseconds(1500), "fallback took \(analysis.fallbackCPUTime) of CPU")
    }

    @Test("photos where HOG finds the face: no fallback, identical result to HOG alone", arguments: [
        "obama.jpg", "t1.jpg", "Tom_Hanks_54745.png",
    ])
    func hogSuccessUnchanged(name: String) async throws {
        var hogOnly = TestPhotos.configuration(workers: 1)
        hogOnly.fallback = nil
        let withoutFallback = try await FaceEngine(configuration: hogOnly)
        let path = try TestPhotos.path(name)
        let plain = try await withoutFallback.analyze(imageAt: path)
        await withoutFallback.shutdown()
        let analysis = try await SharedEngine.get().analyze(imageAt: path)
        #expect(!analysis.faces.isEmpty)
        #expect(!analysis.usedFallback && analysis.detector == .hog)
        #expect(analysis == plain)  // same boxes, landmarks, descriptors: stored gallery descriptors stay valid
    }

    @Test("the fallback needs the mmod model: a clear error when it is missing")
    func missingCNNModel() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fe-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for model in ["shape_predictor_5_face_landmarks.dat", "dlib_face_recognition_resnet_model_v1.dat"] {
            try FileManager.default.createSymbolicLink(
                atPath: directory.appendingPathComponent(model).path,
                withDestinationPath: TestPhotos.modelsDirectory + "/" + model)
        }
        var config = FaceEngineConfiguration(modelsDirectory: directory.path, workerCount: 1)
        do {
            _ = try await FaceEngine(configuration: config)
            Issue.record("the engine started without mmod_human_face_detector.dat")
        } catch {
            #expect("\(error)".contains("mmod_human_face_detector.dat"))
        }
        config.fallback = nil
        let engine = try await FaceEngine(configuration: config)  // HOG alone needs no mmod model
        await engine.shutdown()
    }
}

/// LFW View 1 in ../shared/data/lfw-view1 (or LFW_VIEW1_DIR): read in place, never copied.
enum LFWView1 {
    static var directory: String {
        if let dir = ProcessInfo.processInfo.environment["LFW_VIEW1_DIR"], !dir.isEmpty { return dir }
        return TestPhotos.repositoryRoot + "/../shared/data/lfw-view1"
    }

    static func photo(_ name: String, _ number: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let path = directory + "/images/\(name)/\(name)_" + String(format: "%04d", number) + ".jpg"
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("missing LFW View 1 photo \(path): set LFW_VIEW1_DIR or provide ../shared/data/lfw-view1",
                         sourceLocation: sourceLocation)
            throw MissingTestData(path: path)
        }
        return path
    }
}
