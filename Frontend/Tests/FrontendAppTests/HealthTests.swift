import Foundation
import FrontendApp
import Hummingbird
import HummingbirdTesting
import Observability
import Testing

@Suite("health, readiness, metrics")
struct HealthTests {
    @Test("healthz is always ok; readyz needs the database and turns 503 while draining")
    func readiness() async throws {
        try await withSeededRouter { seeded, client in
            #expect(try await client.get("/healthz").status == .ok)
            let ready = try await client.get("/readyz")
            #expect(ready.status == .ok)
            #expect(ready.text.contains("\"ready\":true"))
            #expect(try await client.get("/metrics").status == .ok)
            seeded.health.beginDraining()
            let draining = try await client.get("/readyz")
            #expect(draining.status == .serviceUnavailable)
            #expect(draining.text.contains("draining"))
            // Still serving while draining.
            #expect(try await client.get("/api/stats").status == .ok)
        }
    }

    @Test("without a database: not ready, and pages answer 503 with a clear message instead of failing")
    func databaseDown() async throws {
        let seeded = try await SeededFrontend.make()
        await seeded.pool.shutdown()
        let app = try buildApplication(seeded.dependencies())
        seeded.health.markStarted()
        try await app.test(.router) { client in
            let ready = try await client.get("/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.text.contains("database: unreachable"))
            let page = try await client.get("/")
            #expect(page.status == .serviceUnavailable)
            #expect(page.text.contains("The database cannot be reached right now"))
            let api = try await client.get("/api/stats")
            #expect(api.status == .serviceUnavailable)
            #expect(try api.json()["error"] as? String == "The database cannot be reached right now; try again shortly.")
            // Files do not need the database.
            #expect(try await client.get("/files/t1.jpg").status == .ok)
        }
        await seeded.shutdown()
    }
}
