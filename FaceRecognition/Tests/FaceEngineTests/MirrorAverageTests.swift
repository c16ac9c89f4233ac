import FaceEngine
import Models
import Testing

/// `averagesMirroredChip` (descriptor version 2): each descriptor is the mean of the chip's and its mirror's.
@Suite("Mirror-averaged descriptors")
struct MirrorAverageTests {
    private static func mirrorEngine(appliesEXIFOrientation: Bool = true) async throws -> FaceEngine {
        var config = TestPhotos.configuration(workers: 1)
        config.averagesMirroredChip = true
        config.appliesEXIFOrientation = appliesEXIFOrientation
        return try await FaceEngine(configuration: config)
    }

    @Test("the version says which pipeline made the descriptors")
    func versions() {
        var config = TestPhotos.configuration(workers: 1)
        #expect(config.descriptorVersion == 1)
        config.averagesMirroredChip = true
        #expect(config.descriptorVersion == 2)
    }

    @Test("same faces and boxes as the plain pipeline; descriptors close to the plain ones but not equal")
    func closeToPlain() async throws {
        let plain = try await SharedEngine.get()
        let mirror = try await Self.mirrorEngine()
        defer { Task { await mirror.shutdown() } }
        #expect(plain.descriptorVersion == 1 && mirror.descriptorVersion == 2)
        let a = try await plain.analyze(imageAt: TestPhotos.path("obama.jpg"))
        let b = try await mirror.analyze(imageAt: TestPhotos.path("obama.jpg"))
        try #require(a.faces.count == 1 && b.faces.count == 1)
        #expect(a.faces[0].box == b.faces[0].box)
        let moved = a.faces[0].descriptor.distance(to: b.faces[0].descriptor)
        #expect(moved > 0.01 && moved < 0.25)  // LFW View 1: median 0.093, max 0.193
    }

    @Test("same person matches and different people do not, at the default 0.6")
    func recognition() async throws {
        let mirror = try await Self.mirrorEngine()
        defer { Task { await mirror.shutdown() } }
        let obama = try await mirror.analyze(imageAt: TestPhotos.path("obama.jpg")).faces[0].descriptor
        let obama2 = try await mirror.analyze(imageAt: TestPhotos.path("obama2.jpg")).faces[0].descriptor
        let biden = try await mirror.analyze(imageAt: TestPhotos.path("biden.jpg")).faces[0].descriptor
        #expect(obama.distance(to: obama2) < 0.6)
        #expect(obama.distance(to: biden) > 0.6)
    }

    /// The stored pixels of an orientation-2 JPEG are the photo mirrored left-right; an engine that ignores
    /// the tag sees the mirrored photo. Averaging a chip with its mirror makes the descriptor (nearly)
    /// independent of which of the two it was given; the plain pipeline's is not.
    @Test("a photo and its mirror image get nearly the same mirror-averaged descriptor")
    func mirrorInvariance() async throws {
        var plainConfig = TestPhotos.configuration(workers: 1)
        plainConfig.appliesEXIFOrientation = false
        let plain = try await FaceEngine(configuration: plainConfig)
        let mirror = try await Self.mirrorEngine(appliesEXIFOrientation: false)
        defer {
            Task {
                await plain.shutdown()
                await mirror.shutdown()
            }
        }
        let original = try TestPhotos.bytes("obama2.jpg")
        let upright = try OrientedJPEGEncoder.encode(original, orientation: 1)
        let flipped = try OrientedJPEGEncoder.encode(original, orientation: 2)

        func distance(_ engine: FaceEngine) async throws -> Double {
            let a = try await engine.analyze(imageData: upright), b = try await engine.analyze(imageData: flipped)
            try #require(a.faces.count == 1 && b.faces.count == 1)
            return a.faces[0].descriptor.distance(to: b.faces[0].descriptor)
        }
        let plainDistance = try await distance(plain)
        let mirrorDistance = try await distance(mirror)
        #expect(mirrorDistance < plainDistance / 2, "plain \(plainDistance), mirror-averaged \(mirrorDistance)")
    }
}
