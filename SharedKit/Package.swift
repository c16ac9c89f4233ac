// swift-tools-version:6.2
import PackageDescription

// SharedKit: what every service shares. Small modules with one job each; a service links only the
// modules it uses, so e.g. the Receiver never compiles gRPC.
let package = Package(
    name: "SharedKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Models", targets: ["Models"]),
        .library(name: "MySQL", targets: ["MySQL"]),
        .library(name: "Migrations", targets: ["Migrations"]),
        .library(name: "Config", targets: ["Config"]),
        .library(name: "Observability", targets: ["Observability"]),
        .library(name: "OperationalHTTP", targets: ["OperationalHTTP"]),
        .library(name: "NSQ", targets: ["NSQ"]),
        .library(name: "ImageQueue", targets: ["ImageQueue"]),
        .library(name: "ImageFiles", targets: ["ImageFiles"]),
        .library(name: "HTTPForms", targets: ["HTTPForms"]),
        .library(name: "FaceRecognitionAPI", targets: ["FaceRecognitionAPI"]),
        .library(name: "PeopleLibrary", targets: ["PeopleLibrary"]),
        .library(name: "SharedTestSupport", targets: ["SharedTestSupport"]),
        // The in-process nsqd/nsqlookupd stand-ins, for tests only (wire-level faults a real nsqd
        // cannot be made to produce); no service links it.
        .library(name: "NSQTestSupport", targets: ["NSQTestSupport"]),
        .executable(name: "migrate", targets: ["migrate"]),
        .executable(name: "sharedkit-bench", targets: ["SharedKitBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CMySQL",
            pkgConfig: "mysqlclient",
            providers: [.apt(["default-libmysqlclient-dev"])]
        ),
        .target(name: "Models"),
        .target(
            name: "MySQL",
            dependencies: [
                "CMySQL",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "Migrations",
            dependencies: ["MySQL", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Config",
            dependencies: [
                "MySQL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Observability",
            dependencies: [
                "Config",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "OperationalHTTP",
            dependencies: [
                "Observability",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "NSQ",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "NSQTestSupport",
            dependencies: [
                "NSQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ImageQueue",
            dependencies: [
                "Models", "MySQL", "NSQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(name: "ImageFiles"),
        // Request-body forms (multipart/form-data) shared by the receiver and the frontend.
        .target(name: "HTTPForms"),
        .target(
            name: "FaceRecognitionAPI",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "PeopleLibrary",
            dependencies: ["Models", "MySQL", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "SharedTestSupport",
            dependencies: ["MySQL", "Migrations", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "migrate",
            dependencies: [
                "Config", "Migrations", "MySQL", "Observability",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "SharedKitBenchmarks",
            dependencies: [
                "NSQ", "ImageQueue", "MySQL", "Migrations", "SharedTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ModelsTests", dependencies: ["Models"]),
        .testTarget(name: "MySQLTests", dependencies: ["MySQL", "SharedTestSupport"]),
        .testTarget(name: "MigrationsTests", dependencies: ["Migrations", "MySQL", "SharedTestSupport"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Observability"]),
        .testTarget(name: "NSQTests", dependencies: ["NSQ", "NSQTestSupport", "SharedTestSupport"]),
        .testTarget(name: "ImageQueueTests", dependencies: ["ImageQueue", "NSQ", "Migrations", "SharedTestSupport"]),
        .testTarget(name: "ImageFilesTests", dependencies: ["ImageFiles"]),
        .testTarget(
            name: "PeopleLibraryTests",
            dependencies: ["PeopleLibrary", "Models", "MySQL", "Migrations", "SharedTestSupport"]
        ),
        .testTarget(name: "HTTPFormsTests", dependencies: ["HTTPForms"]),
    ]
)
