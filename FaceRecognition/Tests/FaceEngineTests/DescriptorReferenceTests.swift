import CFaceEngine
import Testing

/// The engine computes descriptors with its own forward pass of dlib's face ResNet (descriptor_resnet.hpp:
/// one im2col + sgemm per convolution, batch-norm folded). Here both networks run on the same real face
/// chips and their mirror images: the descriptors must agree to float rounding.
@Suite("Descriptor network against dlib's")
struct DescriptorReferenceTests {
    @Test(
        "the engine's ResNet gives dlib's descriptors on real faces",
        arguments: ["obama.jpg", "biden.jpg", "obama2.jpg", "t1.jpg", "Tom_Hanks_54745.png"])
    func matchesDlib(photo: String) throws {
        let path = try TestPhotos.path(photo)
        var faces: Int32 = 0
        var difference: Float = .infinity
        var error = fe_error()
        let status = fe_descriptor_difference_from_dlib(TestPhotos.modelsDirectory, path, &faces, &difference, &error)
        try #require(status == FE_OK, "\(withUnsafeBytes(of: error.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })")
        #expect(faces >= 1)
        // Descriptor components are ~0.1 in size; the two differ in summation order only (~1e-7 seen).
        #expect(difference < 2e-5, "largest component difference \(difference)")
    }
}
