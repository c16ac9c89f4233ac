import FaceGallery
import Foundation
import Models
import SharedTestSupport

/// Gallery search time at 10k, 100k and 1M synthetic descriptors, one query at a time on one core.
///
/// The data imitates dlib descriptors: people are random centres (components in +-0.15, norm ~1), each
/// with 1-3 photos jittered around the centre; half of the queries are new photos of known people, half
/// strangers. "exhaustive" is the plain float scan the fast search must agree with.
func runGalleryBenchmarks() async throws {
    print("\n== Gallery search (synthetic descriptors, one core, kernel: \(GalleryIndex.searchKernel)) ==")
    var table = TextTable("faces", "people", "build s", "MB", "ms/query", "p95 ms", "exhaustive ms", "matches", "agree")
    for size in [10_000, 100_000, 1_000_000] {
        var random = SplitMix64(seed: UInt64(size))
        let index = GalleryIndex()
        var centres: [[Float]] = []
        let buildStart = ContinuousClock.now
        var batch: [GalleryFace] = []
        var faceID: Int64 = 0
        var person: Int64 = 0
        while faceID < size {
            let centre = (0..<FaceDescriptor.dimension).map { _ in random.float(-0.15, 0.15) }
            centres.append(centre)
            person += 1
            for _ in 0..<(1 + Int(random.next() % 3)) where faceID < size {
                faceID += 1
                let values = centre.map { $0 + random.float(-0.03, 0.03) }
                batch.append(
                    GalleryFace(
                        entry: GalleryEntry(faceID: faceID, personID: person, personName: "p\(person)", personImageID: faceID, imageName: "\(faceID).jpg"),
                        descriptor: FaceDescriptor(values)!))
            }
            if batch.count >= 50_000 {
                index.add(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        index.add(batch)
        batch = []
        let buildSeconds = (ContinuousClock.now - buildStart).seconds
        let snapshot = index.snapshot()

        let queryCount = size >= 1_000_000 ? 100 : 400
        let queries: [FaceDescriptor] = (0..<queryCount).map { i in
            let base = i % 2 == 0 ? centres[Int(random.next() % UInt64(centres.count))] : (0..<128).map { _ in random.float(-0.15, 0.15) }
            return FaceDescriptor(base.map { $0 + random.float(-0.04, 0.04) })!
        }
        _ = snapshot.search(queries[0])  // warm up (page in the arrays)
        var times: [Double] = []
        var matches = 0
        var results: [GallerySearchResult] = []
        for query in queries {
            let start = ContinuousClock.now
            let result = snapshot.search(query)
            times.append((ContinuousClock.now - start).seconds * 1000)
            if result.match != nil { matches += 1 }
            results.append(result)
        }
        let exhaustiveCount = min(20, queries.count)
        var agree = 0
        let exhaustiveStart = ContinuousClock.now
        for (i, query) in queries.prefix(exhaustiveCount).enumerated() where snapshot.exhaustiveSearch(query) == results[i] {
            agree += 1
        }
        let exhaustiveMs = (ContinuousClock.now - exhaustiveStart).seconds * 1000 / Double(exhaustiveCount)
        times.sort()
        let bytes = Double(size) * Double(FaceDescriptor.dimension) * 5  // float + int8 per component
        table.add(
            "\(size)", "\(person)", fmt(buildSeconds, 2), fmt(bytes / 1_048_576, 0), fmt(times.reduce(0, +) / Double(times.count), 2),
            fmt(times[Int(Double(times.count - 1) * 0.95)], 2), fmt(exhaustiveMs, 2), "\(matches)/\(queryCount)",
            "\(agree)/\(exhaustiveCount)")
    }
    print(table.render())
}

extension Duration {
    fileprivate var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
