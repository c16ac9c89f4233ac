import FaceEngine
import Foundation
import Testing

@Suite("Broken and hostile input")
struct BadInputTests {
    private func failure(_ name: String) async throws -> FaceEngineError? {
        let engine = try await SharedEngine.get()
        let path = try TestPhotos.path(name)
        do {
            _ = try await engine.analyze(imageAt: path)
            return nil
        } catch {
            return error
        }
    }

    @Test("a truncated JPEG is corrupt, not half a gray photo")
    func truncated() async throws {
        let error = try await failure("bad/truncated.jpg")
        guard case .corrupt(let reason)? = error else { Issue.record("expected .corrupt, got \(String(describing: error))"); return }
        #expect(reason.contains("JPEG"))
        #expect(error?.category == .invalidInput)
    }

    @Test("text named .jpg is not an image")
    func textAsJPEG() async throws {
        let error = try await failure("bad/text-as.jpg")
        #expect(error == .notAnImage)
        #expect(error?.description.contains("neither JPEG nor PNG") == true)
    }

    @Test("a zero-byte file")
    func zeroByte() async throws {
        #expect(try await failure("bad/zero-byte.jpg") == .emptyFile)
    }

    @Test("pixel bombs are refused from their header", arguments: ["bad/pixel-bomb.png", "bad/pixel-bomb.jpg"])
    func pixelBomb(name: String) async throws {
        let error = try await failure(name)
        #expect(error == .tooLarge(pixels: 30000 * 30000, limit: 40_000_000))
        #expect(error?.category == .resourceExhausted)
    }

    @Test("a PNG with damaged image data is corrupt")
    func corruptPNG() async throws {
        let error = try await failure("bad/corrupt.png")
        guard case .corrupt(let reason)? = error else { Issue.record("expected .corrupt, got \(String(describing: error))"); return }
        #expect(reason.contains("PNG"))
    }

    @Test("the undamaged twin of the corrupt PNG decodes (no face)")
    func validSmallPNG() async throws {
        let engine = try await SharedEngine.get()
        let analysis = try await engine.analyze(imageAt: TestPhotos.path("bad/valid-small.png"))
        #expect(analysis.imageWidth == 16 && analysis.imageHeight == 16)
        #expect(analysis.faces.isEmpty)
    }

    @Test("a missing file is not found; a directory is unreadable")
    func missingAndDirectory() async throws {
        let engine = try await SharedEngine.get()
        let missing = TestPhotos.photosDirectory + "/does-not-exist.jpg"
        await #expect(throws: FaceEngineError.fileNotFound(path: missing)) {
            try await engine.analyze(imageAt: missing)
        }
        do {
            _ = try await engine.analyze(imageAt: TestPhotos.photosDirectory)
            Issue.record("a directory was analysed")
        } catch {
            guard case .unreadable(let path, let reason) = error else { Issue.record("got \(error)"); return }
            #expect(path == TestPhotos.photosDirectory)
            #expect(reason.contains("directory"))
        }
        await #expect(throws: FaceEngineError.self) { try await engine.analyze(imageAt: "") }
    }

    @Test("bytes: empty, garbage, GIF, truncated PNG header")
    func badBytes() async throws {
        let engine = try await SharedEngine.get()
        await #expect(throws: FaceEngineError.emptyFile) { try await engine.analyze(imageData: []) }
        await #expect(throws: FaceEngineError.notAnImage) { try await engine.analyze(imageData: [1, 2, 3, 4, 5]) }
        await #expect(throws: FaceEngineError.unsupportedFormat("GIF")) {
            try await engine.analyze(imageData: Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8))
        }
        let png = try TestPhotos.bytes("32bit.png")
        do {
            _ = try await engine.analyze(imageData: Array(png.prefix(40)))
            Issue.record("40 bytes of a PNG were analysed")
        } catch {
            guard case .corrupt = error else { Issue.record("expected .corrupt, got \(error)"); return }
        }
        let jpeg = try TestPhotos.bytes("obama.jpg")
        for cut in [3, 100, 2000] {
            do {
                _ = try await engine.analyze(imageData: Array(jpeg.prefix(cut)))
                Issue.record("\(cut) bytes of a JPEG were analysed")
            } catch {
                guard case .corrupt = error else { Issue.record("expected .corrupt for \(cut) bytes, got \(error)"); return }
            }
        }
    }

    @Test("limits on file size and pixels are configurable")
    func limits() async throws {
        var config = TestPhotos.configuration(workers: 1)
        config.maxFileBytes = 150_000
        config.maxPixels = 1_000_000
        let engine = try await FaceEngine(configuration: config)
        let obama2 = try TestPhotos.bytes("obama2.jpg")  // 184 KB
        await #expect(throws: FaceEngineError.fileTooLarge(bytes: obama2.count, limit: 150_000)) {
            try await engine.analyze(imageAt: TestPhotos.path("obama2.jpg"))
        }
        await #expect(throws: FaceEngineError.fileTooLarge(bytes: obama2.count, limit: 150_000)) {
            try await engine.analyze(imageData: obama2)
        }
        // t1.jpg: 129 KB on disk, 1280x886 pixels.
        await #expect(throws: FaceEngineError.tooLarge(pixels: 1280 * 886, limit: 1_000_000)) {
            try await engine.analyze(imageAt: TestPhotos.path("t1.jpg"))
        }
        #expect(try await engine.analyze(imageAt: TestPhotos.path("mask_white.jpg")).imageWidth == 680)
        await engine.shutdown()
    }

    @Test("the engine keeps working after bad input")
    func survives() async throws {
        let engine = try await SharedEngine.get()
        for name in ["bad/truncated.jpg", "bad/text-as.jpg", "bad/zero-byte.jpg", "bad/pixel-bomb.png", "bad/corrupt.png"] {
            _ = try? await engine.analyze(imageAt: TestPhotos.path(name))
        }
        let analysis = try await engine.analyze(imageAt: TestPhotos.path("obama.jpg"))
        #expect(analysis.faces.count == 1)
    }
}
