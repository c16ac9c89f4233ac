import NSQTestSupport
import Testing

@testable import NSQ

@Suite struct NSQLookupdClientTests {
    @Test(arguments: [NSQLookupdTestServer.ResponseShape.current, .legacyWrapped])
    func lookupReturnsProducersOrNothingForAnUnknownTopic(shape: NSQLookupdTestServer.ResponseShape) async throws {
        let lookupd = try await NSQLookupdTestServer.start(shape: shape)
        let client = NSQLookupdClient(timeout: .seconds(2))
        #expect(try await client.lookup(topic: "images", lookupdHTTPAddress: lookupd.address).isEmpty)
        let producer = NSQLookupProducer(broadcastAddress: "nsqd-0.nsqd", hostname: "nsqd-0", tcpPort: 4150, httpPort: 4151, version: "1.2.1")
        lookupd.setProducers([producer], topic: "images")
        #expect(try await client.lookup(topic: "images", lookupdHTTPAddress: "http://\(lookupd.address)") == [producer])
        lookupd.setProducers([producer], topic: "images#ephemeral")
        #expect(try await client.lookup(topic: "images#ephemeral", lookupdHTTPAddress: lookupd.address) == [producer])
        #expect(lookupd.lookupCount == 3)
        try await lookupd.stop()
    }

    @Test func unreachableLookupdIsALookupError() async throws {
        let lookupd = try await NSQLookupdTestServer.start()
        let address = lookupd.address
        try await lookupd.stop()
        let client = NSQLookupdClient(timeout: .seconds(2))
        await #expect(throws: NSQError.self) { try await client.lookup(topic: "images", lookupdHTTPAddress: address) }
    }
}
