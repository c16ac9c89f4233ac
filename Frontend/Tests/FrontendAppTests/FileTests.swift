import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("image files /files/<path>")
struct FileTests {
    @Test("serves image bytes with content type, ETag and Cache-Control; 304 on If-None-Match")
    func servesAndRevalidates() async throws {
        try await withSeededRouter { seeded, client in
            let response = try await client.get("/files/t1.jpg")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/jpeg")
            #expect(response.headers[.cacheControl] == "public, max-age=3600")
            #expect(response.headers[.lastModified]?.hasSuffix(" GMT") == true)
            let original = try Data(contentsOf: URL(fileURLWithPath: SeededFrontend.photos + "/t1.jpg"))
            #expect(Data(buffer: response.body) == original)
            let eTag = try #require(response.headers[.eTag])
            #expect(eTag.hasPrefix("\"") && eTag.hasSuffix("\""))

            let again = try await client.get("/files/t1.jpg", headers: [.ifNoneMatch: eTag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == eTag)
            #expect(try await client.get("/files/t1.jpg", headers: [.ifNoneMatch: "\"other\", W/\(eTag)"]).status == .notModified)
            #expect(try await client.get("/files/t1.jpg", headers: [.ifNoneMatch: "\"stale\""]).status == .ok)

            // The file changes: so does its tag.
            try Data(original.prefix(1000)).write(to: URL(fileURLWithPath: seeded.root + "/t1.jpg"))
            let changed = try await client.get("/files/t1.jpg", headers: [.ifNoneMatch: eTag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != eTag)
            #expect(changed.body.readableBytes == 1000)

            let png = try await client.get("/files/uploads/hanks%20one.png")
            #expect(png.status == .ok)
            #expect(png.headers[.contentType] == "image/png")
            let gallery = try await client.get("/files/known_people/obama.jpg")
            #expect(gallery.status == .ok)

            let head = try await client.execute(uri: "/files/obama.jpg", method: .head) { $0 }
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == String(try FileManager.default.attributesOfItem(atPath: seeded.root + "/obama.jpg")[.size] as! Int))
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test("refuses traversal, symbolic links out of the root, other file types; 404 for missing files")
    func refusals() async throws {
        try await withSeededRouter { _, client in
            let cases: [(uri: String, status: HTTPResponse.Status, message: String)] = [
                ("/files/../etc/passwd", .badRequest, "must not contain '..' segments"),
                ("/files/uploads/../../x.jpg", .badRequest, "must not contain '..' segments"),
                ("/files/%2e%2e/%2e%2e/etc/shadow.jpg", .badRequest, "must not contain '..' segments"),
                ("/files/..%2F..%2Fsecret.jpg", .badRequest, "must not contain '..' segments"),
                ("/files/%2Fetc%2Fpasswd.jpg", .badRequest, "must be relative to the image root"),
                ("/files/uploads/escape.jpg", .badRequest, "path leaves the image root"),
                ("/files/a%00.jpg", .badRequest, "NUL byte"),
                ("/files/notes.txt", .badRequest, "unsupported file type 'txt'"),
                ("/files/uploads//new.jpg", .badRequest, "must not contain empty or '.' segments"),
                ("/files/%ZZ.jpg", .badRequest, "percent-encoded"),
                ("/files/missing.jpg", .notFound, "no such file under the image root"),
                ("/files/uploads/new.jpg", .notFound, "no such file under the image root"),
            ]
            for (uri, status, message) in cases {
                let response = try await client.get(uri)
                #expect(response.status == status, "\(uri)")
                #expect(response.text.contains(message), "\(uri): \(response.text)")
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8", "\(uri)")
                #expect(!response.text.contains("secret"), "\(uri) leaked the file outside the root")
            }
        }
    }
}
