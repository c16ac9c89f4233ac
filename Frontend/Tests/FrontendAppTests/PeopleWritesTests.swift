import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import MySQL
import PeopleLibrary
import Testing

/// Naming faces and groups, rename, merge, remove a face and delete, through the JSON API and the HTML
/// forms, over the real `MySQLPeopleLibrary` and MariaDB: what the answer says and what the rows hold.
@Suite("people management: API and forms")
struct PeopleWritesTests {
    @Test("POST /api/faces/{id}/name names an unknown face; bad input is a JSON 4xx")
    func nameFaceAPI() async throws {
        try await withWritableRouter { seeded, client in
            let (face, other) = try await seeded.unknownFriendsFaces()
            try await seeded.setDescriptor(of: other, to: 1)  // far from the named face: not rematched
            let named = try await client.sendJSON(.post, "/api/faces/\(face)/name", #"{"name":"Monica"}"#)
            #expect(named.status == .ok, "\(named.text)")
            let json = try named.json()
            #expect(json["person_name"] as? String == "Monica")
            #expect(json["person_created"] as? Bool == true)
            #expect(json["faces_named"] as? Int == 1)
            #expect(json["faces_rematched"] as? Int == 0)
            let monica = try #require(json["person_id"] as? Int)
            #expect(try await seeded.person(ofFace: face) == Int64(monica))
            #expect(try await seeded.person(ofFace: other) == nil)
            let page = try await client.get("/images/\(seeded.images["t1"]!)").text
            #expect(page.contains(">Monica 0.00</span>"))

            let cases: [(String, String, HTTPResponse.Status, String)] = [
                ("/api/faces/999999/name", #"{"name":"X"}"#, .notFound, "no face with id 999999"),
                ("/api/faces/\(other)/name", #"{"name":"  "}"#, .badRequest, "name: the name is empty"),
                ("/api/faces/\(other)/name", #"{"name":"X","person_id":3}"#, .badRequest, "give either person_id or name, not both"),
                ("/api/faces/\(other)/name", #"{}"#, .badRequest, "give the person"),
                ("/api/faces/\(other)/name", #"{"person_id":987654}"#, .notFound, "987654"),
                ("/api/faces/abc/name", #"{"name":"X"}"#, .badRequest, "face id must be a positive whole number"),
            ]
            for (uri, body, status, message) in cases {
                let response = try await client.sendJSON(.post, uri, body)
                #expect(response.status == status, "\(uri) \(body): \(response.text)")
                #expect((try response.json()["error"] as? String)?.contains(message) == true, "\(uri) \(body): \(response.text)")
            }
            #expect(try await seeded.person(ofFace: other) == nil)
        }
    }

    @Test("the image page's name form names a face as an existing person and redirects back")
    func nameFaceForm() async throws {
        try await withWritableRouter { seeded, client in
            let (face, other) = try await seeded.unknownFriendsFaces()
            try await seeded.setDescriptor(of: other, to: 1)
            let t1 = seeded.images["t1"]!
            var browser = BrowserState()
            let page = try await browser.get(client, "/images/\(t1)").text
            #expect(page.contains(#"<form class="name-popover" id="name-face-\#(face)" method="post" action="/faces/\#(face)/name" hidden>"#))
            #expect(page.contains(#"<form class="name-face" method="post" action="/faces/\#(face)/name">"#))
            #expect(page.contains(#"<option value="Rachel">"#), "suggestions list the people")
            #expect(!page.contains("<script>alert"))

            let response = try await browser.post(client, "/faces/\(face)/name", ["name": "Rachel", "image_id": "\(t1)"])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/images/\(t1)")
            #expect(browser.flash?.hasPrefix("o:Named Rachel: 1 face") == true, "\(browser.flash ?? "no message")")
            #expect(try await seeded.person(ofFace: face) == seeded.people["Rachel"])

            let bad = try await browser.post(client, "/faces/\(other)/name", ["name": "", "image_id": "\(t1)"])
            #expect(bad.headers[.location] == "/images/\(t1)")
            #expect(browser.flash == "e:name: the name is empty")
            let shown = try await browser.get(client, "/images/\(t1)").text
            #expect(shown.contains(#"<p class="flash error" role="alert">name: the name is empty</p>"#))
        }
    }

    @Test("unnamed groups are listed (API and page) and naming a group names all its faces")
    func groups() async throws {
        try await withWritableRouter { seeded, client in
            let (face, other) = try await seeded.unknownFriendsFaces()
            let grouped = try await MySQLUnknownFaceGrouper(pool: seeded.pool).group(faceIDs: [face, other])
            #expect(grouped == 2)
            let list = try await client.get("/api/groups").json()
            #expect(list["total"] as? Int == 1)
            let group = try #require((list["groups"] as? [[String: Any]])?.first)
            #expect(group["face_count"] as? Int == 2)
            let samples = try #require(group["samples"] as? [[String: Any]])
            #expect(samples.count == 2)
            #expect(samples.first?["file_url"] as? String == "/files/t1.jpg")
            let groupID = try #require(group["id"] as? Int)

            var browser = BrowserState()
            let page = try await browser.get(client, "/people").text
            #expect(page.contains(#"<li class="group-card" data-group-id="\#(groupID)">"#))
            #expect(page.contains(#"<div class="group-count">2 faces</div>"#))
            #expect(page.contains(#"action="/groups/\#(groupID)/name""#))
            #expect(page.contains(#"<form class="enroll" method="post" action="/people" enctype="multipart/form-data">"#))

            let named = try await browser.post(client, "/groups/\(groupID)/name", ["name": "<b>Monica</b>"])
            #expect(named.headers[.location] == "/people#unnamed")
            let monica = try #require(try await seeded.person(ofFace: face))
            #expect(try await seeded.person(ofFace: other) == monica)
            #expect(try await seeded.name(of: monica) == "<b>Monica</b>")
            let after = try await browser.get(client, "/people").text
            #expect(after.contains("&lt;b&gt;Monica&lt;/b&gt;"), "names stay text")
            #expect(!after.contains("<b>Monica"))
            #expect(after.contains("No unnamed faces to group."))
            let missing = try await client.sendJSON(.post, "/api/groups/\(groupID)/name", #"{"name":"Again"}"#)
            #expect(missing.status == .notFound)
        }
    }

    @Test("merge, remove a face and delete, from the person page's forms")
    func mergeRemoveDelete() async throws {
        try await withWritableRouter { seeded, client in
            let joey = seeded.people["Joey"]!, ross = seeded.people["Ross"]!, rachel = seeded.people["Rachel"]!
            var browser = BrowserState()
            let page = try await browser.get(client, "/people/\(joey)").text
            #expect(page.contains(#"<form class="merge" method="post" action="/people/\#(joey)/merge">"#))
            #expect(page.contains(#"<option value="\#(ross)">Ross</option>"#))
            let joeyFace = try #require(try await seeded.probeFaces(of: joey).first)
            #expect(page.contains(#"<li class="person-face" data-face-id="\#(joeyFace)">"#))

            let merged = try await browser.post(client, "/people/\(joey)/merge", ["into": "\(ross)"])
            #expect(merged.headers[.location] == "/people/\(ross)")
            #expect(browser.flash?.hasPrefix("o:Merged into Ross") == true, "\(browser.flash ?? "")")
            #expect(try await seeded.name(of: joey) == nil)
            #expect(try await seeded.person(ofFace: joeyFace) == ross)
            let self_ = try await browser.post(client, "/people/\(ross)/merge", ["into": "\(ross)"])
            #expect(self_.headers[.location] == "/people/\(ross)")
            #expect(browser.flash == "e:a person cannot be merged into themselves")

            _ = try await browser.get(client, "/people/\(ross)")
            let removed = try await browser.post(client, "/people/\(ross)/faces/\(joeyFace)/remove", [:])
            #expect(removed.headers[.location] == "/people/\(ross)")
            #expect(try await seeded.person(ofFace: joeyFace) == nil)

            let rachelFaces = try await seeded.probeFaces(of: rachel)
            #expect(!rachelFaces.isEmpty)
            let deleted = try await browser.post(client, "/people/\(rachel)/delete", [:])
            #expect(deleted.headers[.location] == "/people")
            #expect(try await seeded.name(of: rachel) == nil)
            for face in rachelFaces { #expect(try await seeded.person(ofFace: face) == nil) }
            #expect(try await browser.get(client, "/people/\(rachel)").status == .notFound)

            let api = try await client.execute(uri: "/api/people/\(ross)", method: .delete)
            #expect(api.status == .ok)
            #expect(try api.json()["deleted"] as? Bool == true)
            let again = try await client.execute(uri: "/api/people/\(ross)", method: .delete)
            #expect(again.status == .notFound)
            #expect(try again.json()["error"] as? String == "no person with id \(ross)")
        }
    }

    @Test("rename conflicts and suggestions")
    func renameAndSuggest() async throws {
        try await withWritableRouter { seeded, client in
            let ross = seeded.people["Ross"]!
            let conflict = try await client.sendJSON(.patch, "/api/people/\(ross)", #"{"name":"Joey"}"#)
            #expect(conflict.status == .conflict)
            #expect(try conflict.json()["error"] as? String == "a person named Joey already exists")
            let suggest = try await client.get("/api/people/suggest?q=ra").json()
            let names = (suggest["people"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["Rachel"])
            #expect(try await client.get("/api/people/suggest?limit=0").status == .badRequest)
        }
    }
}

extension SeededFrontend {
    /// The two unknown faces of t1.jpg.
    func unknownFriendsFaces() async throws -> (Int64, Int64) {
        let ids = try await pool.query(
            "SELECT id FROM faces WHERE image_id = ? AND person_id IS NULL ORDER BY face_index", [.int(images["t1"]!)]
        ).map { try $0.decode("id", as: Int64.self) }
        try #require(ids.count == 2)
        return (ids[0], ids[1])
    }

    func person(ofFace face: Int64) async throws -> Int64? {
        try await pool.query("SELECT person_id FROM faces WHERE id = ?", [.int(face)]).first?.decode("person_id")
    }

    func probeFaces(of person: Int64) async throws -> [Int64] {
        try await pool.query("SELECT id FROM faces WHERE person_id = ? AND image_id IS NOT NULL ORDER BY id", [.int(person)])
            .map { try $0.decode("id", as: Int64.self) }
    }

    /// Every component of the face's descriptor set to `value` (the seed stores zeros).
    func setDescriptor(of face: Int64, to value: Float) async throws {
        let bytes = (0..<128).flatMap { _ in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        try await pool.execute("UPDATE faces SET descriptor = ? WHERE id = ?", [.bytes(bytes), .int(face)])
    }
}
