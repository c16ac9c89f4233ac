import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("JSON API")
struct APITests {
    @Test("/api/images lists newest first with the same filters and pagination as the page")
    func images() async throws {
        try await withSeededRouter(bulkPending: 12) { seeded, client in
            let response = try await client.get("/api/images?per_page=5&page=2")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let json = try response.json()
            #expect(json["total"] as? Int == 18)
            #expect(json["pages"] as? Int == 4)
            #expect(json["page"] as? Int == 2)
            #expect(json["per_page"] as? Int == 5)
            let images = try #require(json["images"] as? [[String: Any]])
            let ids = images.compactMap { $0["id"] as? Int }
            #expect(ids.count == 5)
            #expect(ids == ids.sorted(by: >))

            let failed = try await client.get("/api/images?status=failed").json()
            let failedImages = try #require(failed["images"] as? [[String: Any]])
            #expect(failedImages.count == 1)
            #expect(failedImages.first?["status"] as? String == "failed")
            #expect(failedImages.first?["status_label"] as? String == "Failed")
            #expect(failedImages.first?["attempts"] as? Int == 3)
            #expect(failedImages.first?["last_error"] as? String == "cannot decode image: <b>not a PNG</b>")
            #expect((failed["filter"] as? [String: Any])?["status"] as? String == "failed")

            let joey = try await client.get("/api/images?person=\(seeded.people["Joey"]!)").json()
            let joeyImages = try #require(joey["images"] as? [[String: Any]])
            #expect(joeyImages.map { $0["path"] as? String } == ["t1.jpg"])
            let person = try #require(joeyImages.first?["person"] as? [String: Any])
            #expect(person["name"] as? String == "Rachel")
            #expect(joeyImages.first?["file_url"] as? String == "/files/t1.jpg")
        }
    }

    @Test("/api/images/{id} has the faces with boxes, names and distances, and the photo's size")
    func imageDetail() async throws {
        try await withSeededRouter { seeded, client in
            let json = try await client.get("/api/images/\(seeded.images["t1"]!)").json()
            let image = try #require(json["image"] as? [String: Any])
            #expect(image["path"] as? String == "t1.jpg")
            #expect(image["status"] as? String == "processed")
            #expect(image["face_count"] as? Int == 6)
            #expect(json["width"] as? Int == 1280)
            #expect(json["height"] as? Int == 886)
            let faces = try #require(json["faces"] as? [[String: Any]])
            #expect(faces.count == 6)
            let first = try #require(faces.first)
            #expect(first["face_index"] as? Int == 0)
            #expect((first["person"] as? [String: Any])?["name"] as? String == "Rachel")
            #expect(first["distance"] as? Double == 0.38)
            let box = try #require(first["box"] as? [String: Any])
            #expect(box["left"] as? Int == 62 && box["top"] as? Int == 280 && box["right"] as? Int == 160 && box["bottom"] as? Int == 378)
            #expect(faces[1]["person"] == nil && faces[1]["distance"] == nil)

            let script = try await client.get("/api/images/\(seeded.images["script"]!)").json()
            #expect((script["image"] as? [String: Any])?["file_url"] as? String
                == "/files/uploads/%3Cscript%3Ealert%28%27path%27%29%3C/script%3E.jpg")

            let missing = try await client.get("/api/images/424242")
            #expect(missing.status == .notFound)
            #expect(try missing.json()["error"] as? String == "there is no image with id 424242")
        }
    }

    @Test("/api/people and /api/stats")
    func peopleAndStats() async throws {
        try await withSeededRouter { seeded, client in
            let people = try #require(try await client.get("/api/people").json()["people"] as? [[String: Any]])
            #expect(people.count == 6)
            let obama = try #require(people.first { $0["name"] as? String == "Barack Obama" })
            #expect(obama["image_count"] as? Int == 1)
            #expect(obama["images_url"] as? String == "/?person=\(seeded.people["Barack Obama"]!)")
            let face = try #require(obama["face"] as? [String: Any])
            #expect(face["file_url"] as? String == "/files/known_people/obama.jpg")
            #expect((face["box"] as? [String: Any])?["left"] as? Int == 355)
            let script = try #require(people.first { $0["name"] as? String == SeededFrontend.scriptName })
            #expect(script["image_count"] as? Int == 2)
            let gunther = try #require(people.first { $0["name"] as? String == "Gunther" })
            #expect(gunther["face"] == nil)

            let stats = try await client.get("/api/stats").json()
            let counts = try #require(stats["counts"] as? [String: Int])
            #expect(counts == ["pending": 1, "processed": 3, "failed": 1, "processing": 1])
            #expect(stats["total"] as? Int == 6)
            #expect(stats["people"] as? Int == 6)
            #expect(stats["in_progress"] as? Int == 2)
        }
    }
}

@Suite("bad input")
struct BadParameterTests {
    @Test("malformed or out-of-range query and path parameters are 400 with a message that names them")
    func badParameters() async throws {
        let cases: [(uri: String, message: String)] = [
            ("/?page=-1", "page must be a whole number from 1 to 1000000, not &quot;-1&quot;"),
            ("/?page=0", "page must be a whole number"),
            ("/?page=abc", "page must be a whole number"),
            ("/?page=99999999999999999999999", "page must be a whole number"),
            ("/?per_page=0", "per_page must be a whole number from 1 to 200"),
            ("/?per_page=5000", "per_page must be a whole number from 1 to 200"),
            ("/?status=bogus", "status must be one of pending, processed, failed, processing (or all), not &quot;bogus&quot;"),
            ("/?status=%3Cscript%3E", "not &quot;&lt;script&gt;&quot;"),
            ("/?person=abc", "person must be a person id"),
            ("/?person=-3", "person must be a person id"),
            ("/images/abc", "image id must be a positive whole number"),
            ("/images/0", "image id must be a positive whole number"),
            ("/images/-7", "image id must be a positive whole number"),
            ("/api/images?status=bogus", "status must be one of pending, processed, failed, processing (or all), not \\\"bogus\\\""),
            ("/api/images?per_page=-1", "per_page must be a whole number from 1 to 200"),
            ("/api/images/abc", "image id must be a positive whole number, not \\\"abc\\\""),
        ]
        try await withSeededRouter { _, client in
            for (uri, message) in cases {
                let response = try await client.get(uri)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(response.text.contains(message), "\(uri): \(response.text)")
                #expect(!response.text.contains("<script>"), "\(uri) echoes markup")
            }
            // The service is still fine afterwards.
            #expect(try await client.get("/").status == .ok)
        }
    }
}
