import FaceEngine
import Models
import Testing

@Suite("Faces in the PyPI test photos")
struct PhotoAnalysisTests {
    @Test("one face in each Obama photo, with landmarks inside its box", arguments: [
        ("obama.jpg", 910, 1137), ("obama2.jpg", 626, 1200), ("obama3.jpg", 1434, 2333), ("32bit.png", 626, 1200),
    ])
    func oneFace(name: String, width: Int, height: Int) async throws {
        let engine = try await SharedEngine.get()
        let analysis = try await engine.analyze(imageAt: TestPhotos.path(name))
        #expect(analysis.imageWidth == width)
        #expect(analysis.imageHeight == height)
        try #require(analysis.faces.count == 1)
        let face = analysis.faces[0]
        #expect(face.box.width > 50 && face.box.height > 50)
        #expect(face.box.left >= 0 && face.box.top >= 0 && face.box.right < width && face.box.bottom < height)
        #expect(face.landmarks.count == 5)
        for point in face.landmarks {
            #expect(point.x >= face.box.left - 10 && point.x <= face.box.right + 10)
            #expect(point.y >= face.box.top - 10 && point.y <= face.box.bottom + 10)
        }
        #expect(face.descriptor.values.count == FaceDescriptor.dimension)
        #expect(face.descriptor.values.contains { $0 != 0 })
    }

    @Test("same person below 0.6, different people above")
    func distances() async throws {
        let engine = try await SharedEngine.get()
        let obama = try await engine.analyze(imageAt: TestPhotos.path("obama.jpg")).faces[0].descriptor
        let obama2 = try await engine.analyze(imageAt: TestPhotos.path("obama2.jpg")).faces[0].descriptor
        let obama3 = try await engine.analyze(imageAt: TestPhotos.path("obama3.jpg")).faces[0].descriptor
        let rgba = try await engine.analyze(imageAt: TestPhotos.path("32bit.png")).faces[0].descriptor
        let biden = try await engine.analyze(imageAt: TestPhotos.path("biden.jpg"))
        try #require(biden.faces.count == 1)
        let bidenDescriptor = biden.faces[0].descriptor

        #expect(obama.distance(to: obama2) < FaceDescriptor.samePersonThreshold)
        #expect(obama.distance(to: obama3) < FaceDescriptor.samePersonThreshold)
        #expect(obama.distance(to: rgba) < FaceDescriptor.samePersonThreshold)
        #expect(obama.distance(to: bidenDescriptor) > FaceDescriptor.samePersonThreshold)
        #expect(obama2.distance(to: bidenDescriptor) > FaceDescriptor.samePersonThreshold)
        #expect(obama.distance(to: obama) == 0)
        #expect(obama.distance(to: obama2) == obama2.distance(to: obama))
    }

    @Test("six faces in the group photo, all different from Obama")
    func groupPhoto() async throws {
        let engine = try await SharedEngine.get()
        let group = try await engine.analyze(imageAt: TestPhotos.path("t1.jpg"))
        #expect(group.faces.count == 6)
        let obama = try await engine.analyze(imageAt: TestPhotos.path("obama.jpg")).faces[0].descriptor
        for face in group.faces {
            #expect(face.descriptor.distance(to: obama) > FaceDescriptor.samePersonThreshold)
        }
        // Six different people: no two faces of the photo match each other.
        for i in group.faces.indices {
            for j in group.faces.indices where j > i {
                #expect(group.faces[i].descriptor.distance(to: group.faces[j].descriptor) > 0.3)
            }
        }
    }

    @Test("no face in a photo of a face mask alone")
    func maskWhite() async throws {
        let engine = try await SharedEngine.get()
        let analysis = try await engine.analyze(imageAt: TestPhotos.path("mask_white.jpg"))
        #expect(analysis.faces.isEmpty)
        #expect(analysis.imageWidth == 680 && analysis.imageHeight == 366)
    }

    @Test("the 112x112 Tom Hanks crop: one face, upsampled (default) or not")
    func smallCrop() async throws {
        let engine = try await SharedEngine.get()
        let path = try TestPhotos.path("Tom_Hanks_54745.png")
        let upsampled = try await engine.analyze(imageAt: path)
        #expect(upsampled.detectionScale == 2)
        try #require(upsampled.faces.count == 1)
        let box = upsampled.faces[0].box
        #expect(box.width > 40 && box.width < 130)
        #expect(abs((box.left + box.right) / 2 - 56) < 20 && abs((box.top + box.bottom) / 2 - 56) < 25)

        // At its own size HOG (80x80 window) still finds this face, at about the same place.
        var config = TestPhotos.configuration(workers: 1)
        config.detectionScale = .unscaled
        let unscaled = try await FaceEngine(configuration: config)
        let analysis = try await unscaled.analyze(imageAt: path)
        #expect(analysis.detectionScale == 1)
        try #require(analysis.faces.count == 1)
        let other = analysis.faces[0]
        #expect(abs(other.box.left - box.left) < 15 && abs(other.box.right - box.right) < 15)
        #expect(other.descriptor.distance(to: upsampled.faces[0].descriptor) < 0.3)
        await unscaled.shutdown()
    }

    @Test("faces cut off by the image edge do not crash and stay near the image")
    func partialFaces() async throws {
        let engine = try await SharedEngine.get()
        for name in ["obama_partial_face.jpg", "obama_partial_face2.jpg"] {
            let analysis = try await engine.analyze(imageAt: TestPhotos.path(name))
            for face in analysis.faces {
                #expect(face.box.right > 0 && face.box.left < analysis.imageWidth)
                #expect(face.descriptor.values.count == 128)
            }
        }
    }

    @Test("bytes and file give the same result")
    func bytesEqualFile() async throws {
        let engine = try await SharedEngine.get()
        let fromFile = try await engine.analyze(imageAt: TestPhotos.path("obama2.jpg"))
        let fromBytes = try await engine.analyze(imageData: TestPhotos.bytes("obama2.jpg"))
        #expect(fromFile == fromBytes)
        #expect(fromFile.timings.total > .zero)
        #expect(fromFile.timings.total >= fromFile.timings.detect)
    }
}
