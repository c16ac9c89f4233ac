// swift-tools-version:6.2
import PackageDescription

// Release: the one build root for release binaries. It depends on the five packages by path, so
// `swift build -c release --static-swift-stdlib --product <name>` here compiles every shared dependency
// (SwiftNIO, gRPC, BoringSSL, Hummingbird, SharedKit, ...) once, in this folder's .build, for every
// service. `make release` builds all products; images, benches and scripts take the binaries from here.
let package = Package(
    name: "Release",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../SharedKit"),
        .package(path: "../Receiver"),
        .package(path: "../ImageProcessor"),
        .package(path: "../FaceRecognition"),
        .package(path: "../Frontend"),
    ],
    targets: []
)
