// face-bench: the FaceRecognition benchmarks (`make fr-bench`). Run a release build: dlib is header
// templates and Swift debug builds distort the service side.
import Foundation

do {
    let settings = try BenchmarkSettings(arguments: CommandLine.arguments)
    if settings.runEngine { try await EngineBenchmarks(settings: settings).run() }
    if settings.runGallery { try await runGalleryBenchmarks() }
} catch {
    FileHandle.standardError.write(Data("face-bench: \(error)\n".utf8))
    exit(1)
}
