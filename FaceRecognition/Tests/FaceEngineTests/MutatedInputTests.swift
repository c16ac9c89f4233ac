import FaceEngine
import SharedTestSupport
import Testing

/// Damaged copies of real photos (bytes flipped, cut short) must decode or fail as bad input; never crash,
/// hang or come back as an internal failure.
@Suite("Mutated photos")
struct MutatedInputTests {
    @Test("flipped bytes and truncations", arguments: ["obama2.jpg", "32bit.png", "mask_green.jpg"])
    func mutations(name: String) async throws {
        let engine = try await SharedEngine.get()
        let original = try TestPhotos.bytes(name)
        var random = SplitMix64(seed: 42)  // the same mutations on every run
        var decoded = 0, rejected = 0
        for round in 0..<16 {
            var bytes = original
            if round % 2 == 0 {
                for _ in 0..<(1 + round) {
                    let at = Int.random(in: 2..<bytes.count, using: &random)
                    bytes[at] ^= UInt8.random(in: 1...255, using: &random)
                }
            } else {
                bytes = Array(bytes.prefix(Int.random(in: 1..<bytes.count, using: &random)))
            }
            do {
                let analysis = try await engine.analyze(imageData: bytes)
                #expect(analysis.imageWidth > 0 && analysis.imageHeight > 0)
                decoded += 1
            } catch {
                #expect(error.category == .invalidInput || error.category == .resourceExhausted, "\(name) round \(round): \(error)")
                rejected += 1
            }
        }
        #expect(decoded + rejected == 16)
        #expect(rejected > 0)  // every truncation of these photos is caught
        let analysis = try await engine.analyze(imageData: original)
        #expect(analysis.faces.count == (name == "mask_green.jpg" ? 0 : 1))
    }
}
