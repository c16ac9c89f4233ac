// swift-tools-version:6.2
import PackageDescription

// FaceRecognition: gRPC service over dlib. The C++ shim (CFaceEngine) is compiled with -O2 even in debug:
// dlib is header templates and -O0 makes HOG detection ~100x slower, which would make the tests crawl.
let package = Package(
    name: "FaceRecognition",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "face-recognition", targets: ["face-recognition"]),
        .executable(name: "face-bench", targets: ["FaceBenchmarks"]),
    ],
    dependencies: [
        .package(path: "../SharedKit"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    ],
    targets: [
        .target(
            name: "CFaceEngine",
            cxxSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))],
            linkerSettings: [
                .linkedLibrary("dlib"), .linkedLibrary("openblas"), .linkedLibrary("lapack"),
                .linkedLibrary("jpeg"), .linkedLibrary("png"),
            ]
        ),
        .target(
            name: "FaceEngine",
            dependencies: [
                "CFaceEngine",
                .product(name: "Models", package: "SharedKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Gallery search kernels (int8 + float, AVX2/SSE2 chosen at run time). -O2 in debug too so tests
        // and debug runs search as fast as release.
        .target(
            name: "CGalleryKernels",
            cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]
        ),
        .target(
            name: "FaceGallery",
            dependencies: [
                "FaceEngine", "CGalleryKernels",
                .product(name: "Models", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "FaceRecognitionServer",
            dependencies: [
                "FaceEngine", "FaceGallery",
                .product(name: "Models", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "ImageFiles", package: "SharedKit"),
                .product(name: "FaceRecognitionAPI", package: "SharedKit"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "face-recognition",
            dependencies: [
                "FaceRecognitionServer", "FaceEngine", "FaceGallery",
                .product(name: "Config", package: "SharedKit"),
                .product(name: "Observability", package: "SharedKit"),
                .product(name: "OperationalHTTP", package: "SharedKit"),
                .product(name: "Migrations", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "FaceBenchmarks",
            dependencies: [
                "FaceEngine", "FaceGallery", "CFaceEngine",
                .product(name: "Models", package: "SharedKit"),
                .product(name: "SharedTestSupport", package: "SharedKit"),  // SplitMix64: the same data every run
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FaceEngineTests",
            dependencies: [
                "FaceEngine", "CFaceEngine", .product(name: "Models", package: "SharedKit"),
                .product(name: "SharedTestSupport", package: "SharedKit"),
            ]
        ),
        .testTarget(
            name: "FaceGalleryTests",
            dependencies: [
                "FaceGallery", "FaceEngine",
                .product(name: "Models", package: "SharedKit"),
                .product(name: "SharedTestSupport", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FaceRecognitionServerTests",
            dependencies: [
                "FaceRecognitionServer", "FaceEngine", "FaceGallery",
                .product(name: "SharedTestSupport", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "FaceRecognitionAPI", package: "SharedKit"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    cxxLanguageStandard: .cxx17
)
