import Foundation
import ImageFiles
import Testing

@Suite("Image path rules")
struct ImageRootTests {
    @Test("valid relative paths pass", arguments: ["x.jpg", "a/b/c.PNG", "été/顔.jpeg", "with space.jpg"])
    func valid(path: String) throws {
        #expect(try ImageRoot.validate(relativePath: path) == path)
    }

    @Test("invalid paths are refused with the reason", arguments: [
        ("", ImagePathError.empty),
        ("../etc/passwd.jpg", .parentTraversal),
        ("a/../../b.jpg", .parentTraversal),
        ("/etc/x.jpg", .absolute),
        ("a\u{0}b.jpg", .nulByte),
        ("a\nb.jpg", .controlCharacter),
        ("a//b.jpg", .nonCanonical),
        ("./a.jpg", .nonCanonical),
        ("a.gif", .unsupportedExtension("gif")),
        ("noext", .unsupportedExtension("")),
        (".jpg", .unsupportedExtension("")),
        (String(repeating: "a", count: 252) + ".jpg", .tooLong(bytes: 256, limit: 255)),
    ])
    func invalid(path: String, expected: ImagePathError) {
        #expect(throws: expected) { try ImageRoot.validate(relativePath: path) }
    }

    @Test("resolve finds files inside the root and refuses symlinks that escape it")
    func resolve() throws {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("root-\(UUID())").path
        let root = base + "/images"
        let outside = base + "/outside"
        try fm.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: base) }
        fm.createFile(atPath: root + "/sub/a.jpg", contents: Data([0xFF, 0xD8]))
        fm.createFile(atPath: outside + "/secret.jpg", contents: Data([0xFF, 0xD8]))
        try fm.createSymbolicLink(atPath: root + "/evil.jpg", withDestinationPath: outside + "/secret.jpg")
        try fm.createSymbolicLink(atPath: root + "/evildir", withDestinationPath: outside)
        try fm.createSymbolicLink(atPath: root + "/ok.jpg", withDestinationPath: root + "/sub/a.jpg")
        try fm.createDirectory(atPath: root + "/dir.jpg", withIntermediateDirectories: true)

        let imageRoot = ImageRoot(path: root)
        #expect(try imageRoot.resolve("sub/a.jpg").hasSuffix("/images/sub/a.jpg"))
        #expect(try imageRoot.resolve("ok.jpg").hasSuffix("/images/sub/a.jpg"))
        #expect(throws: ImagePathError.escapesRoot) { try imageRoot.resolve("evil.jpg") }
        #expect(throws: ImagePathError.escapesRoot) { try imageRoot.resolve("evildir/secret.jpg") }
        #expect(throws: ImagePathError.notFound) { try imageRoot.resolve("missing.jpg") }
        #expect(throws: ImagePathError.notAFile) { try imageRoot.resolve("dir.jpg") }
        #expect(throws: ImagePathError.absolute) { try imageRoot.resolve(root + "/sub/a.jpg") }
        #expect(try imageRoot.resolve(root + "/sub/a.jpg", allowAbsoluteInsideRoot: true).hasSuffix("/sub/a.jpg"))
        #expect(throws: ImagePathError.escapesRoot) {
            try imageRoot.resolve(outside + "/secret.jpg", allowAbsoluteInsideRoot: true)
        }
    }
}
