import HTTPForms
import Testing

@Suite("multipart/form-data")
struct MultipartFormTests {
    @Test("boundary and file part")
    func boundaryAndFile() {
        #expect(MultipartForm.boundary(fromContentType: "multipart/form-data; boundary=\"ab c\"") == "ab c")
        #expect(MultipartForm.boundary(fromContentType: "multipart/form-data") == nil)
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nDATA\r\n--b--\r\n".utf8)
        #expect(MultipartForm.fileBody(body, boundary: "b").map { Array($0) } == Array("DATA".utf8))
        #expect(MultipartForm.fileBody(Array("garbage".utf8), boundary: "b") == nil)
    }

    @Test("every part with its name, file name and content type, in order")
    func parts() throws {
        let body = Array(
            ("--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"1.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nONE\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"2.png\"\r\n\r\nTWO\r\n--b--\r\n").utf8)
        let parts = try #require(MultipartForm.parts(body, boundary: "b"))
        #expect(parts.map(\.name) == ["name", "photos", "photos"])
        #expect(parts.map(\.filename) == [nil, "1.jpg", "2.png"])
        #expect(parts[1].contentType == "image/jpeg")
        #expect(parts.map { String(decoding: $0.body, as: UTF8.self) } == ["Ada", "ONE", "TWO"])
        #expect(MultipartForm.parts(Array("--b\r\nno end".utf8), boundary: "b") == nil)
    }
}
