// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "kbench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kbench", targets: ["kbench"]),
        .library(name: "KafkaBench", targets: ["KafkaBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.1.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(name: "CSupport"),
        .target(
            name: "KafkaBench",
            dependencies: [
                "CRdKafka",
                "CSupport",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "kbench",
            dependencies: [
                "KafkaBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "KafkaBenchTests",
            dependencies: [
                "CRdKafka",
                "KafkaBench",
                "kbench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
