// swift-tools-version:6.2
import PackageDescription

// Receiver: the HTTP API that accepts image paths and uploads, stores them as pending rows and
// announces their ids on the queue.
let package = Package(
    name: "Receiver",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "receiver", targets: ["receiver"]),
        .library(name: "ReceiverApp", targets: ["ReceiverApp"]),
    ],
    dependencies: [
        .package(path: "../SharedKit"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
    ],
    targets: [
        .target(
            name: "ReceiverApp",
            dependencies: [
                .product(name: "Models", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "ImageFiles", package: "SharedKit"),
                .product(name: "ImageQueue", package: "SharedKit"),
                .product(name: "HTTPForms", package: "SharedKit"),
                .product(name: "Observability", package: "SharedKit"),
                .product(name: "OperationalHTTP", package: "SharedKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "receiver",
            dependencies: [
                "ReceiverApp",
                .product(name: "Config", package: "SharedKit"),
                .product(name: "NSQ", package: "SharedKit"),
                .product(name: "ImageQueue", package: "SharedKit"),
                .product(name: "Observability", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ReceiverAppTests",
            dependencies: [
                "ReceiverApp",
                .product(name: "SharedTestSupport", package: "SharedKit"),
                .product(name: "MySQL", package: "SharedKit"),
                .product(name: "Models", package: "SharedKit"),
                .product(name: "ImageQueue", package: "SharedKit"),
                .product(name: "Observability", package: "SharedKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NSQ", package: "SharedKit"),
                .product(name: "NSQTestSupport", package: "SharedKit"),
                .product(name: "ImageFiles", package: "SharedKit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ]
)
