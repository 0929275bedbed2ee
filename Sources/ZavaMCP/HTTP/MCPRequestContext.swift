import Hummingbird
import NIOCore

/// Hummingbird's per-request context, plus the connection the request came on (to notice a
/// client that goes away while its tool call runs).
struct MCPRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
