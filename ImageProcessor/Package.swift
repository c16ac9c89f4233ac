// swift-tools-version:6.2
import PackageDescription

// ImageProcessor: consumes image ids from the queue, claims each image, asks FaceRecognition who is in
// it (gRPC) and records the faces and the person. Also runs the sweeper (retries, stale leases).
let package = Package(
    name: "ImageProcessor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "image-processor", targets: ["image-processor"]),
        .library(name: "ProcessorCore", targets: ["ProcessorCore"]),
    ],
    dependencies: [
        .package(path: "../SharedKit"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
    ],
    targets: [
        .target(
            name: "ProcessorCore",
            dependencies: [
                .product(name: "Models", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "ImageQueue", package: "SharedKit"),
                .product(name: "FaceRecognitionAPI", package: "SharedKit"),
                .product(name: "PeopleLibrary", package: "SharedKit"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "image-processor",
            dependencies: [
                "ProcessorCore",
                .product(name: "Config", package: "SharedKit"),
                .product(name: "NSQ", package: "SharedKit"),
                .product(name: "ImageQueue", package: "SharedKit"),
                .product(name: "PeopleLibrary", package: "SharedKit"),
                .product(name: "Observability", package: "SharedKit"),
                .product(name: "OperationalHTTP", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ProcessorCoreTests",
            dependencies: [
                "ProcessorCore",
                .product(name: "SharedTestSupport", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "Models", package: "SharedKit"),
                .product(name: "ImageQueue", package: "SharedKit"),
                .product(name: "FaceRecognitionAPI", package: "SharedKit"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NSQ", package: "SharedKit"),
                .product(name: "Migrations", package: "SharedKit"),
                .product(name: "PeopleLibrary", package: "SharedKit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
