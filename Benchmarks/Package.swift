// swift-tools-version:6.1
// kbench's benchmarks: a package of its own so that the main build and `scripts/test` never compile them.
// Run from this directory (see README.md):
//   swift package --scratch-path ../.build-bench --allow-writing-to-package-directory benchmark
import PackageDescription

let package = Package(
    name: "kbench-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "kbench", path: "../"),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: ["EventCodec", "KeyPlacement", "ConsumerDrain", "Seeding"].map { name in
        .executableTarget(
            name: name,
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "KafkaBench", package: "kbench"),
            ],
            path: "Benchmarks/\(name)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")])
    },
    swiftLanguageModes: [.v6]
)
