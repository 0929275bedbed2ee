import NIOCore

/// Notices a client that stopped sending: Hummingbird allows half-closed connections, so a
/// client's FIN does not close the channel (and `closeFuture` stays pending) while its
/// answer is still being computed. The `inputClosed` event is the first sign it has gone.
final class ClientGoneHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any

    private let onGone: @Sendable (ObjectIdentifier) -> Void

    init(onGone: @escaping @Sendable (ObjectIdentifier) -> Void) {
        self.onGone = onGone
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            onGone(ObjectIdentifier(context.channel))
        }
        context.fireUserInboundEventTriggered(event)
    }
}
