// The generated types are SwiftProtobuf messages; their users serialise and parse them.
@_exported import SwiftProtobuf
