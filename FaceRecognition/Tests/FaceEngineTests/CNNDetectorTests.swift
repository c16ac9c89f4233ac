import FaceEngine
import Models
import Testing

@Suite("dlib CNN (mmod) detector")
struct CNNDetectorTests {
    @Test("the CNN detector finds the same face as HOG, with a matching descriptor")
    func sameFaceAsHOG() async throws {
        let hog = try await SharedEngine.get()
        var config = TestPhotos.configuration(workers: 1)
        config.detector = .cnn
        let cnn = try await FaceEngine(configuration: config)
        let path = try TestPhotos.path("obama2.jpg")
        let byCNN = try await cnn.analyze(imageAt: path)
        let byHOG = try await hog.analyze(imageAt: path)
        await cnn.shutdown()
        try #require(byCNN.faces.count == 1 && byHOG.faces.count == 1)
        let a = byCNN.faces[0].box, b = byHOG.faces[0].box
        let centreDistance = abs((a.left + a.right) - (b.left + b.right)) / 2 + abs((a.top + a.bottom) - (b.top + b.bottom)) / 2
        #expect(centreDistance < max(b.width, b.height) / 3)
        #expect(byCNN.faces[0].descriptor.distance(to: byHOG.faces[0].descriptor) < 0.3)
    }
}
