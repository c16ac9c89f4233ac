import FaceGallery
import Models
import SharedTestSupport
import Testing

@Suite("GalleryIndex")
struct GalleryIndexTests {
    /// A descriptor that is `base` with one component moved by `offset` (distance = |offset|).
    static func descriptor(_ base: Float, offset: Float = 0, at component: Int = 0) -> FaceDescriptor {
        var values = [Float](repeating: base, count: FaceDescriptor.dimension)
        values[component] += offset
        return FaceDescriptor(values)!
    }

    static func face(_ id: Int64, person: Int64, _ descriptor: FaceDescriptor) -> GalleryFace {
        GalleryFace(
            entry: GalleryEntry(faceID: id, personID: person, personName: "p\(person)", personImageID: id, imageName: "f\(id).jpg"),
            descriptor: descriptor)
    }

    @Test func emptyGalleryFindsNothing() {
        let index = GalleryIndex()
        let result = index.search(Self.descriptor(0.1))
        #expect(result.nearest == nil)
        #expect(result.runnerUp == nil)
        #expect(result.match == nil)
        #expect(result.gallerySize == 0)
    }

    @Test func nearestAndRunnerUpAreDistinctPeople() {
        let index = GalleryIndex(faces: [
            Self.face(1, person: 10, Self.descriptor(0, offset: 0.30)),
            Self.face(2, person: 10, Self.descriptor(0, offset: 0.20)),  // same person, closer
            Self.face(3, person: 20, Self.descriptor(0, offset: 0.50)),
            Self.face(4, person: 30, Self.descriptor(0, offset: 0.70)),
        ])
        let result = index.search(Self.descriptor(0))
        #expect(result.nearest?.entry.faceID == 2)
        #expect(abs((result.nearest?.distance ?? 0) - 0.2) < 1e-6)
        #expect(result.runnerUp?.entry.personID == 20)  // not face 1: that is the same person as the nearest
        #expect(abs((result.runnerUp?.distance ?? 0) - 0.5) < 1e-6)
        #expect(result.match?.entry.imageName == "f2.jpg")
    }

    @Test func runnerUpFoundWhenItPrecedesTheNearestPersonsOtherPhotos() {
        // Order matters for a one-pass scan: person 20 seen first, then two photos of person 10.
        let index = GalleryIndex(faces: [
            Self.face(1, person: 20, Self.descriptor(0, offset: 0.40)),
            Self.face(2, person: 10, Self.descriptor(0, offset: 0.30)),
            Self.face(3, person: 10, Self.descriptor(0, offset: 0.10)),
        ])
        let result = index.search(Self.descriptor(0))
        #expect(result.nearest?.entry.faceID == 3)
        #expect(result.runnerUp?.entry.faceID == 1)
    }

    @Test func thresholdDecidesTheMatch() {
        let index = GalleryIndex(threshold: 0.25, faces: [Self.face(1, person: 1, Self.descriptor(0, offset: 0.3))])
        let result = index.search(Self.descriptor(0))
        #expect(result.nearest?.entry.faceID == 1)
        #expect(result.match == nil)
        #expect(GalleryIndex(faces: [Self.face(1, person: 1, Self.descriptor(0, offset: 0.3))]).search(Self.descriptor(0)).match != nil)
    }

    @Test func nonFiniteQueryMatchesNothing() {
        let index = GalleryIndex(faces: [Self.face(1, person: 1, Self.descriptor(0))])
        var values = [Float](repeating: 0, count: 128)
        values[5] = .nan
        #expect(index.search(FaceDescriptor(values)!).nearest == nil)
    }

    @Test func prunedSearchEqualsExhaustiveSearch() {
        var generator = SplitMix64(seed: 7)
        // Clustered data like real descriptors: people with a few photos each, around random centres.
        var faces: [GalleryFace] = []
        for person in 0..<2_000 {
            let centre = (0..<128).map { _ in generator.float(-0.15, 0.15) }
            for photo in 0..<3 {
                let values = centre.map { $0 + generator.float(-0.03, 0.03) }
                faces.append(Self.face(Int64(person * 3 + photo), person: Int64(person), FaceDescriptor(values)!))
            }
        }
        let index = GalleryIndex(faces: faces)
        let snapshot = index.snapshot()
        for query in 0..<200 {
            let base = faces[(query * 37) % faces.count].descriptor.values
            let probe = FaceDescriptor(base.map { $0 + generator.float(-0.05, 0.05) })!
            let fast = snapshot.search(probe)
            let exact = snapshot.exhaustiveSearch(probe)
            #expect(fast == exact)
            #expect(fast.nearest != nil && fast.runnerUp != nil)
            #expect(fast.nearest?.entry.personID != fast.runnerUp?.entry.personID)
        }
        // Random queries far from everything, too.
        for _ in 0..<50 {
            let probe = FaceDescriptor((0..<128).map { _ in generator.float(-0.3, 0.3) })!
            #expect(snapshot.search(probe) == snapshot.exhaustiveSearch(probe))
        }
    }

    @Test func addAndRemoveUpdateSearches() {
        let index = GalleryIndex()
        index.add([Self.face(1, person: 1, Self.descriptor(0.1))])
        index.add([Self.face(2, person: 2, Self.descriptor(0.2)), Self.face(3, person: 2, Self.descriptor(0.3))])
        #expect(index.count == 3)
        #expect(index.search(Self.descriptor(0.2)).nearest?.entry.faceID == 2)
        #expect(index.removeAll { $0.personID == 2 } == 2)
        #expect(index.count == 1)
        #expect(index.search(Self.descriptor(0.2)).nearest?.entry.faceID == 1)
        index.replaceAll(with: [Self.face(9, person: 9, Self.descriptor(0.5))])
        #expect(index.snapshot().entries.map(\.faceID) == [9])
    }

    @Test func searchesDuringUpdatesSeeWholeSnapshots() async {
        let index = GalleryIndex(faces: [Self.face(0, person: 0, Self.descriptor(0.9))])
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for batch in 1...200 {
                    // Each batch adds a pair of faces of one person; readers must never see half a pair.
                    index.add([
                        Self.face(Int64(batch * 2), person: Int64(batch), Self.descriptor(Float(batch) / 1000)),
                        Self.face(Int64(batch * 2 + 1), person: Int64(batch), Self.descriptor(Float(batch) / 1000, offset: 0.001)),
                    ])
                    if batch % 50 == 0 { index.removeAll { $0.personID == Int64(batch - 1) } }
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<300 {
                        let snapshot = index.snapshot()
                        let perPerson = Dictionary(grouping: snapshot.entries, by: \.personID)
                        #expect(perPerson.values.allSatisfy { $0.count == 2 || $0.first?.personID == 0 })
                        let result = snapshot.search(Self.descriptor(0))
                        #expect(result.gallerySize == snapshot.count)
                        #expect(result.nearest != nil)
                    }
                }
            }
        }
        #expect(index.count == 1 + 200 * 2 - 4 * 2)
    }
}
