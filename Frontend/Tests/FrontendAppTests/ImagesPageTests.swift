import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import Models
import Testing

@Suite("images page /")
struct ImagesPageTests {
    @Test("lists every image newest first with the sample's columns, status words and counts")
    func listsImages() async throws {
        try await withSeededRouter { seeded, client in
            let response = try await client.get("/")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let html = response.text
            for column in ["<th class=\"num\">ID</th>", "<th>Path</th>", "<th>Person</th>", "<th>Status</th>"] {
                #expect(html.contains(column))
            }
            let ids = captures(#"<tr class="image-row" data-id="(\d+)""#, in: html).compactMap(Int64.init)
            #expect(ids.count == 6)
            #expect(ids == ids.sorted(by: >))
            #expect(ids.first == seeded.images["pending"])
            for word in ["Pending", "Processed", "Failed", "Processing"] {
                #expect(html.contains(">\(word)</span>"), "status word \(word)")
            }
            #expect(html.contains(#"data-status="processed"><span class="n">3</span> Processed"#))
            #expect(html.contains(#"data-status="pending"><span class="n">1</span> Pending"#))
            #expect(html.contains(#"<span class="n">6</span> All"#))
            #expect(html.contains(#"<a href="/?person=\#(seeded.people["Rachel"]!)">Rachel</a>"#))
            #expect(html.contains("cannot decode image: &lt;b&gt;not a PNG&lt;/b&gt;"))
            #expect(html.contains("6 faces"))
            // Work in progress: the page polls the stats (and has a no-script fallback).
            #expect(html.contains(#"data-poll-url="/api/stats""#))
            #expect(html.contains(#"data-poll-key="1,1,3,1,6""#))
            #expect(html.contains("<noscript><meta http-equiv=\"refresh\""))
            #expect(html.contains("<script src=\"/static/app.js\" defer></script>"))
            #expect(!html.contains("http://") && !html.contains("https://"), "no external resource")
            #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)

            // Our own stylesheet and script, served by the frontend itself.
            let css = try await client.get("/static/app.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.text.contains(".face-label"))
            let js = try await client.get("/static/app.js")
            #expect(js.status == .ok)
            #expect(js.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(js.text.contains("window.location.reload()"))
        }
    }

    @Test("filters by status and by person (best person or a matched face)")
    func filters() async throws {
        try await withSeededRouter { seeded, client in
            let failed = try await client.get("/?status=failed").text
            #expect(captures(#"data-id="(\d+)""#, in: failed) == [String(seeded.images["failed"]!)])
            #expect(failed.contains(#"<option value="failed" selected>Failed</option>"#))

            let byCode = try await client.get("/?status=3").text
            #expect(captures(#"data-id="(\d+)""#, in: byCode) == [String(seeded.images["processing"]!)])

            // Joey is only a matched face in t1.jpg, not its best person.
            let joey = try await client.get("/?person=\(seeded.people["Joey"]!)").text
            #expect(captures(#"data-id="(\d+)""#, in: joey) == [String(seeded.images["t1"]!)])
            #expect(joey.contains("Images showing <strong>Joey</strong>"))

            let both = try await client.get("/?status=pending&person=\(seeded.people["Rachel"]!)").text
            #expect(captures(#"data-id="(\d+)""#, in: both).isEmpty)
            #expect(both.contains("No images match these filters."))

            let nobody = try await client.get("/?person=987654").text
            #expect(nobody.contains("person #987654 (not a known person)"))
            #expect(captures(#"data-id="(\d+)""#, in: nobody).isEmpty)

            // An empty form field means "no filter".
            let all = try await client.get("/?status=&person=&per_page=50").text
            #expect(captures(#"data-id="(\d+)""#, in: all).count == 6)
        }
    }

    @Test("paginates with per_page and keeps the filters in the page links")
    func pagination() async throws {
        try await withSeededRouter(bulkPending: 30) { seeded, client in
            let first = try await client.get("/?per_page=10").text
            #expect(captures(#"data-id="(\d+)""#, in: first).count == 10)
            #expect(first.contains("Page 1 of 4"))
            #expect(first.contains("1–10 of 36"))
            #expect(first.contains(#"href="/?page=2&amp;per_page=10""#))
            #expect(!first.contains("class=\"prev\""))

            let last = try await client.get("/?per_page=10&page=4").text
            let lastIDs = captures(#"data-id="(\d+)""#, in: last)
            #expect(lastIDs.count == 6)
            #expect(lastIDs.last == String(seeded.images["bulk0"]!))
            #expect(!last.contains("class=\"next\""))
            #expect(last.contains(#"href="/?page=3&amp;per_page=10""#))

            let pending = try await client.get("/?status=pending&per_page=10&page=2").text
            #expect(captures(#"data-id="(\d+)""#, in: pending).count == 10)
            #expect(pending.contains(#"href="/?status=pending&amp;page=3&amp;per_page=10""#))

            let beyond = try await client.get("/?page=50").text
            #expect(captures(#"data-id="(\d+)""#, in: beyond).isEmpty)
            #expect(beyond.contains("No images on this page"))
        }
    }

    @Test("a <script> in a path or a person's name is shown as text, in text and in attributes")
    func escaping() async throws {
        try await withSeededRouter { seeded, client in
            for uri in ["/", "/people", "/images/\(seeded.images["script"]!)", "/images/\(seeded.images["t1"]!)"] {
                let html = try await client.get(uri).text
                #expect(!html.contains("<script>alert"), "unescaped script on \(uri)")
                #expect(!html.contains("alert('"), "unescaped quote on \(uri)")
            }
            let list = try await client.get("/").text
            #expect(list.contains("uploads/&lt;script&gt;alert(&#39;path&#39;)&lt;/script&gt;.jpg</a>"))
            #expect(list.contains(#"title="uploads/&lt;script&gt;alert(&#39;path&#39;)&lt;/script&gt;.jpg""#))
            #expect(list.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;</a>"))
            let detail = try await client.get("/images/\(seeded.images["script"]!)").text
            #expect(detail.contains(#"src="/files/uploads/%3Cscript%3Ealert%28%27path%27%29%3C/script%3E.jpg""#))
            #expect(detail.contains(#"alt="Photo uploads/&lt;script&gt;alert(&#39;path&#39;)&lt;/script&gt;.jpg""#))
            let t1 = try await client.get("/images/\(seeded.images["t1"]!)").text
            #expect(t1.contains(#"<span class="face-label">&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; 0.58</span>"#))
        }
    }
}
