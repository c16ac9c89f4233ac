import FaceEngine
import Models
import Testing

@Suite("EXIF orientation and colour formats")
struct OrientationTests {
    /// obama2.jpg re-encoded upright (orientation 1) is the reference: same lossy path as the rotated copies.
    private func reference(_ engine: FaceEngine) async throws -> (bytes: [UInt8], analysis: FaceAnalysis) {
        let original = try TestPhotos.bytes("obama2.jpg")
        let upright = try OrientedJPEGEncoder.encode(original, orientation: 1)
        let analysis = try await engine.analyze(imageData: upright)
        try #require(analysis.faces.count == 1)
        return (original, analysis)
    }

    @Test("a rotated or mirrored JPEG with an orientation tag shows the face where a viewer would",
          arguments: [2, 3, 4, 5, 6, 7, 8])
    func orientation(_ orientation: Int) async throws {
        let engine = try await SharedEngine.get()
        let (original, upright) = try await reference(engine)
        let stored = try OrientedJPEGEncoder.encode(original, orientation: orientation)
        let analysis = try await engine.analyze(imageData: stored)
        #expect(analysis.exifOrientation == orientation)
        #expect(analysis.imageWidth == upright.imageWidth && analysis.imageHeight == upright.imageHeight)
        try #require(analysis.faces.count == 1)
        let box = analysis.faces[0].box, expected = upright.faces[0].box
        // Mirrored faces are not pixel-identical to dlib, so allow a little movement.
        #expect(abs(box.left - expected.left) <= 12 && abs(box.top - expected.top) <= 12)
        #expect(abs(box.right - expected.right) <= 12 && abs(box.bottom - expected.bottom) <= 12)
        #expect(analysis.faces[0].descriptor.distance(to: upright.faces[0].descriptor) < 0.25)
    }

    @Test("without applying the tag, a face stored sideways is not found by the frontal detector (HOG alone)")
    func orientationIgnored() async throws {
        var config = TestPhotos.configuration(workers: 1)
        config.appliesEXIFOrientation = false
        config.fallback = nil
        let engine = try await FaceEngine(configuration: config)
        let stored = try OrientedJPEGEncoder.encode(TestPhotos.bytes("obama2.jpg"), orientation: 6)
        let analysis = try await engine.analyze(imageData: stored)
        #expect(analysis.imageWidth == 1200 && analysis.imageHeight == 626)  // as stored
        #expect(analysis.faces.isEmpty)
        await engine.shutdown()

        // The CNN fallback is less bound to upright faces: it finds this one (see DetectorFallbackTests).
        config.fallback = .cnn
        let withFallback = try await FaceEngine(configuration: config)
        let rescued = try await withFallback.analyze(imageData: stored)
        await withFallback.shutdown()
        #expect(rescued.usedFallback && rescued.detector == .cnn)
        #expect(rescued.faces.count == 1)
    }

    @Test("a grayscale JPEG decodes and matches the colour photo's person")
    func grayscale() async throws {
        let engine = try await SharedEngine.get()
        let colour = try await engine.analyze(imageAt: TestPhotos.path("obama.jpg"))
        let gray = try OrientedJPEGEncoder.encode(TestPhotos.bytes("obama.jpg"), orientation: 1, grayscale: true)
        let analysis = try await engine.analyze(imageData: gray)
        #expect(analysis.imageWidth == 910 && analysis.imageHeight == 1137)
        try #require(analysis.faces.count == 1)
        #expect(analysis.faces[0].descriptor.distance(to: colour.faces[0].descriptor) < FaceDescriptor.samePersonThreshold)
    }

    @Test("the RGBA PNG matches the JPEG of the same photo")
    func alphaPNG() async throws {
        let engine = try await SharedEngine.get()
        let png = try await engine.analyze(imageAt: TestPhotos.path("32bit.png"))
        let jpeg = try await engine.analyze(imageAt: TestPhotos.path("obama2.jpg"))
        try #require(png.faces.count == 1 && jpeg.faces.count == 1)
        #expect(png.faces[0].descriptor.distance(to: jpeg.faces[0].descriptor) < 0.2)
    }
}
