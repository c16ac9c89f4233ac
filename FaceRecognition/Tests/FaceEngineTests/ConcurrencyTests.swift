import FaceEngine
import Testing

@Suite("Worker pool")
struct ConcurrencyTests {
    @Test("32 concurrent analyses give exactly the sequential results")
    func concurrentEqualsSequential() async throws {
        let engine = try await SharedEngine.get()
        let names = ["obama.jpg", "obama2.jpg", "32bit.png", "t1.jpg", "mask_white.jpg", "Tom_Hanks_54745.png",
                     "biden.jpg", "obama_partial_face.jpg"]
        let paths = try names.map { try TestPhotos.path($0) }
        var sequential: [String: FaceAnalysis] = [:]
        for path in paths { sequential[path] = try await engine.analyze(imageAt: path) }

        let jobs = (0..<32).map { paths[$0 % paths.count] }
        let concurrent = try await withThrowingTaskGroup(of: (Int, FaceAnalysis).self) { group in
            for (index, path) in jobs.enumerated() {
                group.addTask { (index, try await engine.analyze(imageAt: path)) }
            }
            var results = [FaceAnalysis?](repeating: nil, count: jobs.count)
            for try await (index, analysis) in group { results[index] = analysis }
            return results
        }
        for (index, path) in jobs.enumerated() {
            #expect(concurrent[index] == sequential[path], "job \(index) (\(path)) differs from the sequential run")
        }
    }

    @Test("one worker serves jobs queued behind each other")
    func singleWorkerQueue() async throws {
        let engine = try await FaceEngine(configuration: TestPhotos.configuration(workers: 1))
        #expect(engine.workerCount == 1)
        let path = try TestPhotos.path("obama2.jpg")
        let results = try await withThrowingTaskGroup(of: FaceAnalysis.self) { group in
            for _ in 0..<4 { group.addTask { try await engine.analyze(imageAt: path) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 4)
        #expect(results.allSatisfy { $0 == results[0] && $0.faces.count == 1 })
        // Behind a single worker at least one job had to wait for another.
        #expect(results.contains { $0.timings.queueWait > $0.timings.total / 2 })
        await engine.shutdown()
    }
}
