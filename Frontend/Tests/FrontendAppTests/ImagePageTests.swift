import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("image page /images/{id}")
struct ImagePageTests {
    @Test("shows the photo with every face boxed at its place and labelled with name or unknown and distance")
    func facesBoxed() async throws {
        try await withSeededRouter { seeded, client in
            let response = try await client.get("/images/\(seeded.images["t1"]!)")
            #expect(response.status == .ok)
            let html = response.text
            #expect(html.contains(#"<img id="photo" src="/files/t1.jpg" alt="Photo t1.jpg" width="1280" height="886">"#))
            #expect(occurrences(of: #"<div class="face"#, in: html) == 6)
            #expect(occurrences(of: #"<div class="face known""#, in: html) == 4)
            // 62/1280 = 4.844 %, 280/886 = 31.603 %, (160-62)/1280 = 7.656 %, (378-280)/886 = 11.061 %.
            #expect(html.contains(#"style="left:4.844%;top:31.603%;width:7.656%;height:11.061%""#))
            #expect(html.contains(#"<span class="face-label">Rachel 0.38</span>"#))
            #expect(html.contains(#"<span class="face-label">Joey 0.52</span>"#))
            #expect(occurrences(of: #"<span class="face-label">unknown</span>"#, in: html) == 2)
            #expect(occurrences(of: #"<tr class="face-row">"#, in: html) == 6)
            #expect(html.contains("62, 280, 160, 378"))
            #expect(html.contains("1280 × 886 px"))
            #expect(html.contains(">Processed</span>"))
            #expect(!html.contains("data-poll-url=\"/api"), "a processed image does not poll")
        }
    }

    @Test("a failed image shows its attempts and last error; a pending one polls its status")
    func failedAndPending() async throws {
        try await withSeededRouter { seeded, client in
            let failed = try await client.get("/images/\(seeded.images["failed"]!)").text
            #expect(failed.contains("Failed after 3 attempt(s)."))
            #expect(failed.contains(#"<pre class="last-error">cannot decode image: &lt;b&gt;not a PNG&lt;/b&gt;</pre>"#))
            #expect(failed.contains(">Failed</span>"))
            let pending = try await client.get("/images/\(seeded.images["pending"]!)").text
            #expect(pending.contains(#"data-poll-url="/api/images/\#(seeded.images["pending"]!)" data-poll-key="pending""#))
            // uploads/new.jpg was never stored: the page says why there is no photo.
            #expect(pending.contains("The photo cannot be shown:</strong> no such file under the image root"))
            #expect(pending.contains("Not processed yet."))
            let png = try await client.get("/images/\(seeded.images["processing"]!)").text
            #expect(png.contains(#"src="/files/uploads/hanks%20one.png""#))
            #expect(png.contains(#"width="112" height="112""#))
        }
    }

    @Test("unknown id is a 404 page; a malformed id is a 400 page")
    func unknownAndMalformed() async throws {
        try await withSeededRouter { _, client in
            let missing = try await client.get("/images/999999")
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("There is no image with id 999999."))
            #expect(missing.headers[.contentType] == "text/html; charset=utf-8")
            let malformed = try await client.get("/images/abc")
            #expect(malformed.status == .badRequest)
            #expect(malformed.text.contains("image id must be a positive whole number, not &quot;abc&quot;"))
        }
    }
}

@Suite("people page /people")
struct PeoplePageTests {
    @Test("every known person with a face crop, the number of images and a link to them")
    func people() async throws {
        try await withSeededRouter { seeded, client in
            let response = try await client.get("/people")
            #expect(response.status == .ok)
            let html = response.text
            #expect(occurrences(of: #"<li class="person-card""#, in: html) == 6)
            let rachel = seeded.people["Rachel"]!
            #expect(html.contains(#"<a class="name" href="/people/\#(rachel)">Rachel</a>"#))
            #expect(html.contains(#"<a class="count" href="/?person=\#(rachel)">in 1 image</a>"#))
            // Rachel: best person of t1.jpg and a face in it: one image. Joey: a face only. Gunther: none.
            let cards = html.components(separatedBy: "<li class=\"person-card\"").dropFirst()
            func card(_ name: String) -> String { cards.first { $0.contains(">\(name)</a>") } ?? "" }
            #expect(card("Rachel").contains("in 1 image<"))
            #expect(card("Joey").contains("in 1 image<"))
            #expect(card("Barack Obama").contains("in 1 image<"))
            #expect(card("Gunther").contains("in 0 images<"))
            #expect(card("Gunther").contains(#"<span class="initials" aria-hidden="true">G</span>"#))
            // Crops come from the gallery photos under known_people/, scaled to the face box.
            #expect(card("Rachel").contains(#"src="/files/known_people/friends.jpg""#))
            #expect(card("Rachel").contains(#"class="face-crop""#))
            #expect(card("Rachel").contains("transform:scale("))
            #expect(card("Barack Obama").contains(#"src="/files/known_people/obama.jpg""#))
        }
    }
}
