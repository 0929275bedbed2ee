import ZavaPostgres

/// What a health check found: the server answers (with every pooled connection busy, or
/// not), or it does not.
public enum DatabaseHealth: Sendable, Equatable {
    case up(ConnectionPool.Statistics)
    case busy(ConnectionPool.Statistics)
    case down(String)

    public var isServing: Bool {
        if case .down = self { false } else { true }
    }
}
