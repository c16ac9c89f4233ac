// swift-tools-version:6.2
import PackageDescription

// Frontend: server-rendered pages over the pipeline's database (images, faces, people) and the
// image files themselves. `FrontendApp` holds everything testable; `frontend` only parses settings
// and runs the service group.
let package = Package(
    name: "Frontend",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "frontend", targets: ["frontend"]),
        .library(name: "FrontendApp", targets: ["FrontendApp"]),
    ],
    dependencies: [
        .package(path: "../SharedKit"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
        // HMAC for the CSRF and login cookies; already built for the gRPC transport's TLS (swift-certificates).
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
    ],
    targets: [
        .target(
            name: "FrontendApp",
            dependencies: [
                .product(name: "Models", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "Observability", package: "SharedKit"),
                .product(name: "OperationalHTTP", package: "SharedKit"),
                .product(name: "ImageFiles", package: "SharedKit"),
                .product(name: "HTTPForms", package: "SharedKit"),
                .product(name: "PeopleLibrary", package: "SharedKit"),
                .product(name: "FaceRecognitionAPI", package: "SharedKit"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "frontend",
            dependencies: [
                "FrontendApp",
                .product(name: "Config", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "ImageFiles", package: "SharedKit"),
                .product(name: "Observability", package: "SharedKit"),
                .product(name: "PeopleLibrary", package: "SharedKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FrontendAppTests",
            dependencies: [
                "FrontendApp",
                .product(name: "Models", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "ImageFiles", package: "SharedKit"),
                .product(name: "Observability", package: "SharedKit"),
                .product(name: "SharedTestSupport", package: "SharedKit"),
                .product(name: "PeopleLibrary", package: "SharedKit"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ]
)
