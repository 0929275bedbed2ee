// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "zava",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "zava", targets: ["zava"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already in the graph through Hummingbird; named so ZavaMCP can watch connections and drain on shutdown.
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // OTLP over HTTP only: the gRPC exporter's dependencies would double the build.
        // Metrics over OTLP/HTTP; traces have zava's own tracer (ZavaTracing), exported as the same OTLP protobuf.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        // Already in the graph through swift-otel; named for the tracer: W3C trace context. OTLP's
        // generated types, a local package (see its manifest for why), read exports back in tests.
        .package(path: "Packages/OTLPTrace"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // JWT signature and claim checks for token mode (RS256/ES256 against a JWKS, HS256 in dev mode).
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        // Already in the graph through jwt-kit; named for SHA-256 (the verified-token cache) and,
        // in the tests, RSA key generation.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // libedit's API plus the state its callbacks and signal handler share, defined once in C.
        .target(name: "CEditLine", linkerSettings: [.linkedLibrary("edit")]),
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPgQuery", providers: [.apt(["libpg-query-dev"])]),
        .systemLibrary(name: "CSpawn"),
        // The model's numeric kernels run optimised even in debug builds: unoptimised, the
        // forward pass is many times slower and the test suite would spend minutes embedding.
        .target(
            name: "MiniLM",
            dependencies: ["CBLAS"],
            swiftSettings: [.unsafeFlags(["-O"])]
        ),
        // Spans on the request path: the current trace, spans as values, the recorder they go to.
        .target(
            name: "ZavaSpans",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ]
        ),
        // The libpq driver: connections, pipelines, the pool, values. The only module that sees libpq.
        .target(
            name: "ZavaPostgres",
            dependencies: ["CLibPQ", "ZavaSpans", .product(name: "Tracing", package: "swift-distributed-tracing")]
        ),
        // Traces: W3C trace context, sampling, spans batched without thread hand-overs, OTLP/HTTP export.
        .target(
            name: "ZavaTracing",
            dependencies: [
                "ZavaSpans",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ZavaCore",
            dependencies: [
                "ZavaPostgres",
                "ZavaSpans",
                "CPgQuery",
                "CSpawn",
                "MiniLM",
                .product(name: "Logging", package: "swift-log"),
                // Locks for state requests share: pthread mutexes. On Linux `Synchronization.Mutex`
                // is a priority-inheriting futex, and contended it goes through the kernel each time.
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Apart from the runtime: the embedded cluster, migrations, the seed generator, the
        // embedding indexer and the doctor.
        .target(
            name: "ZavaProvisioning",
            dependencies: ["ZavaCore", "ZavaPostgres", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "ZavaREPL",
            dependencies: ["ZavaCore", "ZavaPostgres", "CEditLine"]
        ),
        .target(
            name: "ZavaMCP",
            dependencies: [
                "ZavaCore",
                "ZavaPostgres",
                "ZavaSpans",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "zava",
            dependencies: [
                "ZavaCore", "ZavaPostgres", "ZavaProvisioning", "ZavaREPL", "ZavaMCP", "ZavaSpans", "ZavaTracing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
            ]
        ),
        .executableTarget(name: "zava-bench", dependencies: ["ZavaCore", "ZavaPostgres", "ZavaProvisioning", "ZavaREPL", "ZavaSpans", "ZavaTracing", "CLibPQ",
                                                           .product(name: "Logging", package: "swift-log"),
                                                           .product(name: "Tracing", package: "swift-distributed-tracing")],
                          path: "bench/zava"),
        .executableTarget(name: "minilm-bench", dependencies: ["MiniLM"], path: "bench/minilm",
                          swiftSettings: [.unsafeFlags(["-O"])]),
        // Shared by the integration suites: the real cluster, and a stand-in identity provider.
        .target(name: "ZavaTesting",
                dependencies: ["ZavaCore", "ZavaPostgres", "ZavaProvisioning", "MiniLM",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "JWTKit", package: "jwt-kit"),
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "CryptoExtras", package: "swift-crypto"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                path: "Tests/ZavaTesting"),
        .testTarget(name: "ZavaCoreTests", dependencies: ["ZavaCore", "ZavaPostgres", "ZavaProvisioning", "ZavaTesting", "MiniLM"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZavaREPLTests", dependencies: ["ZavaREPL", "ZavaCore", "ZavaPostgres", "ZavaProvisioning", "ZavaTesting"]),
        .testTarget(name: "ZavaMCPTests",
                    dependencies: ["ZavaMCP", "ZavaCore", "ZavaPostgres", "ZavaProvisioning", "ZavaTesting",
                                   .product(name: "Logging", package: "swift-log"),
                                   .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                   .product(name: "JWTKit", package: "jwt-kit")],
                    exclude: ["Fixtures"]),
        // The fast tier: no PostgreSQL, no Python, no tmux (`make test` runs it first).
        .testTarget(name: "FastTests",
                    dependencies: ["ZavaCore", "ZavaPostgres", "ZavaREPL", "ZavaMCP", "ZavaTesting", "ZavaSpans", "ZavaTracing",
                                   .product(name: "OTLPTrace", package: "OTLPTrace"),
                                   .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                                   .product(name: "JWTKit", package: "jwt-kit")],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "MiniLMTests", dependencies: ["MiniLM"], exclude: ["Fixtures"]),
        .testTarget(name: "zavaTests", dependencies: ["ZavaCore", "ZavaPostgres", "ZavaProvisioning", "ZavaTesting"], exclude: ["Fixtures"]),
    ]
)
