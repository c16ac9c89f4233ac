import Testing

@testable import ReceiverApp

@Suite("Receiver helpers")
struct HelpersTests {
    @Test("SHA-256 known answers")
    func sha256() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("image kinds are sniffed from magic bytes")
    func sniffing() {
        #expect(ImageKind(sniffing: [0xFF, 0xD8, 0xFF, 0xDB]) == .jpeg)
        #expect(ImageKind(sniffing: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(ImageKind(sniffing: Array("GIF89a".utf8)) == nil)
        #expect(ImageKind(sniffing: [0xFF, 0xD8]) == nil)
    }

    @Test("JSON text escaping")
    func escaping() {
        #expect(JSONText.quoted("a\"b\\c\n\u{1}") == "\"a\\\"b\\\\c\\n\\u0001\"")
        #expect(PathOutcome(path: "x.jpg", id: 3, status: .queued).json == "{\"path\":\"x.jpg\",\"id\":3,\"status\":\"queued\"}")
    }
}
