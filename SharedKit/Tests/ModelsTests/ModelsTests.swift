import Foundation
import Models
import Testing

@Suite("Request models and codes")
struct ModelsTests {
    @Test("Path and Paths have exactly the seed's JSON")
    func seedJSON() throws {
        let one = try JSONDecoder().decode(Path.self, from: Data(#"{"path":"x.jpg"}"#.utf8))
        #expect(one.path == "x.jpg")
        let many = try JSONDecoder().decode(Paths.self, from: Data(#"{"paths":[{"path":"a.jpg"},{"path":"b.png"}]}"#.utf8))
        #expect(many.paths.map(\.path) == ["a.jpg", "b.png"])
        let encoded = String(decoding: try JSONEncoder().encode(Path(path: "x.jpg")), as: UTF8.self)
        #expect(encoded == #"{"path":"x.jpg"}"#)
    }

    @Test("unknown fields and missing fields are errors", arguments: [
        #"{"path":"x.jpg","extra":1}"#, #"{"pth":"x.jpg"}"#, #"{}"#, #"{"path":5}"#, #"[]"#,
    ])
    func strictPath(json: String) {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Path.self, from: Data(json.utf8)) }
    }

    @Test("unknown fields inside a batch are reported with their position")
    func strictPaths() {
        do {
            _ = try JSONDecoder().decode(Paths.self, from: Data(#"{"paths":[{"path":"a"},{"path":"b","x":1}]}"#.utf8))
            Issue.record("accepted unknown field")
        } catch let error as StrictKeys.UnknownKeysError {
            #expect(error.keys == ["x"])
            #expect(error.description.contains("\"x\""))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("status codes are the sample's")
    func statusCodes() {
        #expect(ImageStatus.pending.rawValue == 0)
        #expect(ImageStatus.processed.rawValue == 1)
        #expect(ImageStatus.failed.rawValue == 2)
        #expect(ImageStatus.processing.rawValue == 3)
        #expect(ImageStatus.processing.label == "Processing")
        #expect(ImageStatus(parsing: "failed") == .failed)
        #expect(ImageStatus(parsing: "2") == .failed)
        #expect(ImageStatus(parsing: "bogus") == nil)
    }

    @Test("descriptors round-trip through their 512-byte little-endian form")
    func descriptorBytes() throws {
        let values = (0..<128).map { Float($0) * 0.01 - 0.5 }
        let descriptor = try #require(FaceDescriptor(values))
        let bytes = descriptor.littleEndianBytes
        #expect(bytes.count == 512)
        #expect(Array(bytes[4..<8]) == [0x48, 0xE1, 0xFA, 0xBE])  // -0.49 is 0xBEFAE148 as float32
        #expect(FaceDescriptor(littleEndianBytes: bytes) == descriptor)
        #expect(FaceDescriptor([1, 2, 3]) == nil)
        #expect(FaceDescriptor(littleEndianBytes: [0, 1]) == nil)
    }
}
