import Foundation
import FrontendApp
import Testing

@Suite("image size from headers")
struct ImageDimensionsTests {
    func header(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: SeededFrontend.photos + "/" + name)))
    }

    @Test("JPEG (JFIF and EXIF) and PNG sizes match the real photos")
    func realPhotos() throws {
        #expect(ImageDimensions(header: try header("t1.jpg")) == ImageDimensions(width: 1280, height: 886))
        #expect(ImageDimensions(header: try header("obama.jpg")) == ImageDimensions(width: 910, height: 1137))
        #expect(ImageDimensions(header: try header("Tom_Hanks_54745.png")) == ImageDimensions(width: 112, height: 112))
        #expect(ImageDimensions(header: try header("32bit.png")) == ImageDimensions(width: 626, height: 1200))
    }

    @Test("garbage, empty and truncated headers give nil, never a crash")
    func garbage() throws {
        #expect(ImageDimensions(header: []) == nil)
        #expect(ImageDimensions(header: Array("not an image at all".utf8)) == nil)
        let jpeg = try header("obama.jpg")
        for length in [2, 3, 4, 10, 100] {
            #expect(ImageDimensions(header: Array(jpeg.prefix(length))) == nil, "\(length) bytes")
        }
        #expect(ImageDimensions(header: [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00]) == nil)
        #expect(ImageDimensions(header: Array(try header("t1.jpg").prefix(20))) == nil)
    }
}
