// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Osprey",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "osprey", targets: ["osprey"]),
        .executable(name: "osprey-bench", targets: ["osprey-bench"]),
        .executable(name: "osprey-fuzz", targets: ["osprey-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // RE2, the linear-time engine of Go's regexp, behind a C surface (Debian's libre2-dev).
        .target(name: "CRE2", linkerSettings: [.linkedLibrary("re2")]),
        .target(name: "OspreyModel", dependencies: ["CRE2"]),
        // Go's behaviour where Prometheus and Alertmanager show it: text/template as alert
        // templates run it, fmt and strconv formatting, quoting, regexp.Expand, pkix names.
        .target(
            name: "OspreyGoCompat",
            dependencies: [
                "OspreyModel", .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(name: "OspreyFormats", dependencies: ["OspreyModel"]),
        .target(
            name: "OspreyConfig",
            dependencies: ["OspreyModel", .product(name: "Yams", package: "Yams")]
        ),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "OspreyCompression", dependencies: ["CZlib"]),
        // The seams every writer and reader uses (Appendable, Queryable, Storage), apart from any engine.
        .target(name: "OspreyStorage", dependencies: ["OspreyModel"]),
        // SQLite as every database of the data folder opens it: versioned schemas, time-sharded files.
        .target(name: "OspreySQLite", dependencies: ["OspreyModel", .product(name: "GRDB", package: "GRDB.swift")]),
        // The metrics engine behind the seams: head, WAL, chunks, catalog, shards and their recompression.
        .target(
            name: "OspreyTSDB",
            dependencies: [
                "OspreyModel", "OspreyStorage", "OspreySQLite", "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "OspreyQuery", dependencies: ["OspreyGoCompat", "OspreyModel", "OspreyStorage"]),
        .target(
            name: "OspreyScrape",
            dependencies: [
                "OspreyGoCompat",
                "OspreyModel", "OspreyFormats", "OspreyConfig", "OspreyStorage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Ingest, whatever the wire format: staging, block cutting, label limits, the memory of
        // pushes in flight, the pushgateway's groups; typed errors the server answers with.
        .target(
            name: "OspreyIngest",
            dependencies: [
                "OspreyModel", "OspreyFormats", "OspreyConfig", "OspreyStorage", "OspreySQLite", "OspreyCompression",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Notification: routes, grouping, the outbox and its delivery, silences, Alertmanager forwarding.
        .target(
            name: "OspreyNotification",
            dependencies: [
                "OspreyModel", "OspreyConfig", "OspreyGoCompat", "OspreySQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Rule evaluation: rule files, groups, recording and alerting rules.
        .target(
            name: "OspreyRules",
            dependencies: [
                "OspreyModel", "OspreyConfig", "OspreyGoCompat", "OspreyStorage", "OspreyQuery", "OspreyNotification",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "OspreyProbes",
            dependencies: [
                "OspreyGoCompat",
                "OspreyModel", "OspreyFormats", "OspreyConfig", "OspreyStorage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "OspreyAgent",
            dependencies: [
                "OspreyModel", "OspreyFormats", "OspreyConfig", "OspreyStorage", "OspreySQLite", "OspreyScrape", "OspreyProbes",
                "OspreyCompression",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "OspreyServer",
            dependencies: [
                "OspreyIngest",
                "OspreyNotification",
                "OspreyGoCompat",
                "OspreyModel", "OspreyFormats", "OspreyConfig", "OspreyStorage", "OspreySQLite", "OspreyTSDB", "OspreyQuery",
                "OspreyScrape", "OspreyRules", "OspreyProbes", "OspreyCompression",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            exclude: ["Dashboards/BuiltIn/README.md"],
            // The web UI, compiled into the binary.
            resources: [
                .embedInCode("Web/Assets/index.html"), .embedInCode("Web/Assets/app.js"), .embedInCode("Web/Assets/app.css"),
                .embedInCode("Web/Assets/api.js"), .embedInCode("Web/Assets/format.js"), .embedInCode("Web/Assets/ui.js"),
                .embedInCode("Web/Assets/chart.js"), .embedInCode("Web/Assets/panels.js"), .embedInCode("Web/Assets/dashboard.js"),
                .embedInCode("Web/Assets/pages.js"), .embedInCode("Web/Assets/richtext.js"),
                // The built-in dashboards, so that they are there wherever the server runs.
                .embedInCode("Dashboards/BuiltIn/infrastructure.json"), .embedInCode("Dashboards/BuiltIn/application.json"),
                .embedInCode("Dashboards/BuiltIn/business.json"), .embedInCode("Dashboards/BuiltIn/synthetic-checks.json"),
                .embedInCode("Dashboards/BuiltIn/osprey.json"),
            ]
        ),
        .executableTarget(
            name: "osprey",
            dependencies: [
                "OspreyServer", "OspreyAgent", "OspreyConfig", "OspreyFormats", "OspreyRules", "OspreyProbes",
                "OspreyModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "osprey-bench",
            dependencies: [
                "OspreyFormats", "OspreyModel", "OspreyStorage", "OspreyTSDB", "OspreyServer", "OspreyQuery", "OspreyRules",
                "OspreyCompression",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzz harnesses for every parser of outside input, and the libFuzzer driver (Scripts/fuzz.sh).
        .target(
            name: "OspreyFuzzing",
            dependencies: [
                "OspreyGoCompat", "OspreyModel", "OspreyFormats", "OspreyConfig", "OspreyStorage", "OspreyQuery", "OspreyRules",
            ]),
        .executableTarget(name: "osprey-fuzz", dependencies: ["OspreyFuzzing"]),
        .target(
            name: "OspreyTestSupport",
            dependencies: [
                "OspreyTSDB", "OspreyModel", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/OspreyTestSupport"
        ),
        .testTarget(name: "OspreyCompressionTests", dependencies: ["OspreyCompression", "OspreyTestSupport"]),
        .testTarget(
            name: "OspreyFormatsTests",
            dependencies: ["OspreyFormats", "OspreyModel"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "OspreyStorageTests",
            // GRDB writes a catalog the way older versions did.
            dependencies: [
                "OspreyStorage", "OspreyTSDB", "OspreySQLite", "OspreyModel", "OspreyTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "OspreyQueryTests",
            dependencies: ["OspreyTestSupport", "OspreyGoCompat", "OspreyQuery", "OspreyStorage", "OspreyTSDB", "OspreyModel", "OspreyFormats"],
            resources: [.copy("Conformance")]
        ),
        .testTarget(
            name: "OspreyScrapeTests",
            dependencies: [
                "OspreyTestSupport", "OspreyScrape", "OspreyConfig", "OspreyModel", "OspreyCompression",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "OspreyRulesTests",
            dependencies: [
                "OspreyNotification",
                "OspreyGoCompat",
                "OspreyTestSupport", "OspreyRules", "OspreyConfig", "OspreyModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "OspreyProbesTests",
            dependencies: [
                "OspreyTestSupport", "OspreyProbes", "OspreyConfig", "OspreyModel", "OspreyFormats",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "OspreyAgentTests",
            dependencies: [
                "OspreyAgent", "OspreyTestSupport", "OspreyFormats", "OspreyModel", "OspreyStorage", "OspreyCompression",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "OspreyFuzzingTests",
            dependencies: ["OspreyFuzzing", "OspreyTestSupport", "osprey-fuzz"],
            exclude: ["Corpus"]
        ),
        .testTarget(
            name: "OspreyConfigTests",
            dependencies: ["OspreyTestSupport", "OspreyConfig", "OspreyModel"]
        ),
        .testTarget(name: "OspreyModelTests", dependencies: ["OspreyGoCompat", "OspreyModel"]),
        .testTarget(
            name: "OspreyServerTests",
            dependencies: [
                "OspreyIngest",
                "OspreyGoCompat",
                "OspreyTestSupport", "OspreyServer", "OspreyFormats", "OspreyQuery", "OspreyStorage", "OspreyTSDB", "OspreySQLite",
                "OspreyModel", "osprey",
                "OspreyCompression",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
