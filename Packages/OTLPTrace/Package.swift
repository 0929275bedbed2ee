// swift-tools-version: 6.1
import PackageDescription

// OpenTelemetry's OTLP trace messages (opentelemetry-proto v1.9.0: common, resource, trace and
// the trace collector service), generated once by protoc-gen-swift and committed:
//
//   protoc --swift_out=Sources/OTLPTrace --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath \
//     -I <opentelemetry-proto checkout> opentelemetry/proto/{common,resource,trace}/v1/*.proto \
//     opentelemetry/proto/collector/trace/v1/trace_service.proto
//
// The tests read zava's exports back with them (zava writes the export itself). A package of
// its own so that zava depends on swift-protobuf only through it: a package that names
// swift-protobuf directly has `swift build` compile protoc from C++ as well (minutes).
let package = Package(
    name: "OTLPTrace",
    products: [.library(name: "OTLPTrace", targets: ["OTLPTrace"])],
    dependencies: [.package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0")],
    targets: [.target(name: "OTLPTrace", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")])]
)
