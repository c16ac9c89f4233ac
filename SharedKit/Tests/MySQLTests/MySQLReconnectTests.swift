import Foundation
import MySQL
import SharedTestSupport
import Testing

@Suite("MySQL pool survives a server restart")
struct MySQLReconnectTests {
    @Test("killing and restarting MariaDB mid-test: the next queries succeed after reconnect")
    func restart() async throws {
        // A dedicated server, so killing it disturbs no other test.
        let server = try await MariaDBServer.start()
        defer { server.destroy() }
        var configuration = server.configuration(poolSize: 4)
        configuration.healthCheckAfterIdle = .seconds(30)  // prove the epoch/reconnect path, not the idle ping
        let pool = MySQLPool(configuration: configuration)
        // Open several connections so the pool holds idle ones that will all be dead after the crash.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = try await pool.query("SELECT SLEEP(0.05)") } }
            try await group.waitForAll()
        }
        #expect(pool.openConnections == 4)

        server.kill()
        await #expect(throws: MySQLError.self) { _ = try await pool.query("SELECT 1") }
        try await server.launch()

        // Every query after the restart succeeds, whichever pooled connection it gets.
        for i in 0..<20 {
            let rows = try await pool.query("SELECT ? AS i", [.int(Int64(i))])
            #expect(rows.first?["i"]?.int == Int64(i))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<16 {
                group.addTask {
                    let rows = try await pool.query("SELECT ? AS i, SLEEP(0.01)", [.int(Int64(i))])
                    #expect(rows.first?["i"]?.int == Int64(i))
                }
            }
            try await group.waitForAll()
        }
        await pool.shutdown()
    }
}
