import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real frontend on a loopback port, rendered by a real headless Chromium: the DOM after scripts ran
/// is checked, and screenshots are saved under `.build-logs/screenshots/` for people to look at.
@Suite("real browser (headless Chromium)")
struct BrowserTests {
    static let screenshots = SeededFrontend.repositoryRoot + "/.build-logs/screenshots"

    @Test("images, image and people pages render in Chromium with names, statuses and face boxes")
    func pagesInChromium() async throws {
        let chromium = try Chromium.locate()
        try FileManager.default.createDirectory(atPath: Self.screenshots, withIntermediateDirectories: true)
        let seeded = try await SeededFrontend.make(bulkPending: 3)
        do {
            let app = try buildApplication(seeded.dependencies(), host: "127.0.0.1", port: 0)
            seeded.health.markStarted()
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let base = "http://127.0.0.1:\(port)"

                let images = try await chromium.dumpDOM(base + "/")
                #expect(images.contains("<th>Path</th>"))
                for word in ["Pending", "Processed", "Failed", "Processing"] {
                    #expect(images.contains(">\(word)</span>"), "status \(word) in the browser's DOM")
                }
                #expect(images.contains(">Rachel</a>"))
                #expect(images.contains("&lt;script&gt;alert('name')&lt;/script&gt;"), "the name stays text in the DOM")
                #expect(!images.contains("<script>alert"))
                try await chromium.screenshot(base + "/", to: Self.screenshots + "/images.png")

                let t1 = base + "/images/\(seeded.images["t1"]!)"
                let page = try await chromium.dumpDOM(t1)
                #expect(occurrences(of: "<div class=\"face", in: page) == 6)
                #expect(page.contains(">Rachel 0.38</span>"))
                #expect(page.contains(">unknown</span>"))
                #expect(page.contains("left:4.844%"))
                try await chromium.screenshot(t1, to: Self.screenshots + "/image.png")

                let failed = base + "/images/\(seeded.images["failed"]!)"
                let failedDOM = try await chromium.dumpDOM(failed)
                #expect(failedDOM.contains("Failed after 3 attempt(s)."))
                // broken/bad.png is not an image: app.js swaps the broken picture for a note.
                #expect(failedDOM.contains(#"<figure class="photo broken""#))
                #expect(failedDOM.contains(#"<p class="broken-note">The browser cannot display this file"#))
                try await chromium.screenshot(failed, to: Self.screenshots + "/image-failed.png")

                let people = try await chromium.dumpDOM(base + "/people")
                #expect(occurrences(of: "class=\"person-card\"", in: people) == 6)
                for name in ["Rachel", "Ross", "Joey", "Barack Obama", "Gunther"] {
                    #expect(people.contains(">\(name)</a>"), "\(name) on the people page")
                }
                try await chromium.screenshot(base + "/people", to: Self.screenshots + "/people.png")
            }
        } catch {
            await seeded.shutdown()
            throw error
        }
        await seeded.shutdown()
        for name in ["images", "image", "image-failed", "people"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(Self.screenshots)/\(name).png")[.size] as? Int) ?? 0
            #expect(size > 10_000, "screenshot \(name).png is \(size) bytes")
        }
    }
}

/// Debian's `chromium`, run headless as a subprocess.
struct Chromium: Sendable {
    let executable: String

    static func locate() throws -> Chromium {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in ["/usr/bin", "/usr/local/bin"] + path {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return Chromium(executable: "\(directory)/\(name)")
            }
        }
        throw BrowserTestError(
            "chromium is not installed: this test needs a real browser. Install Debian's package "
                + "(apt-get install -y chromium; scripts/setup.sh does) and run the tests again.")
    }

    func dumpDOM(_ url: String) async throws -> String {
        let output = try await run(["--dump-dom", url])
        #expect(!output.isEmpty, "Chromium printed no DOM for \(url)")
        return output
    }

    func screenshot(_ url: String, to file: String) async throws {
        try? FileManager.default.removeItem(atPath: file)
        _ = try await run(["--screenshot=\(file)", "--window-size=1280,900", "--hide-scrollbars", url])
        #expect(FileManager.default.fileExists(atPath: file), "Chromium wrote no screenshot for \(url)")
    }

    /// Runs Chromium with its own throwaway profile; stdout is returned. Killed after 90 s.
    func run(_ arguments: [String]) async throws -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stdoutFile = scratch.appendingPathComponent("stdout")
        FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: stdoutFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // Root needs --no-sandbox; the rest keeps a container quiet and deterministic.
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--user-data-dir=\(scratch.path)/profile",
        ] + arguments
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + 90) {
                if process.isRunning { kill(pid, SIGKILL) }
            }
        }
        try stdout.close()
        let output = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw BrowserTestError("chromium \(arguments.joined(separator: " ")) exited with \(status)")
        }
        return output
    }
}

struct BrowserTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
