/// The identity statements run as, in the words every front end uses for it.
public struct WhoAmI: Sendable, Equatable {
    public var identity: Identity
    /// The first and last order dates this identity sees; nil when it sees none.
    public var orderDates: ClosedRange<String>?

    public init(identity: Identity, orderDates: ClosedRange<String>?) {
        self.identity = identity
        self.orderDates = orderDates
    }

    /// "every store", or "only Zava Retail Seattle".
    public var sees: String {
        identity.isHeadOffice ? "every store" : "only \(identity.storeName ?? identity.profile)"
    }

    /// " Orders from <first> through <last>." (with its leading space), or nothing.
    public var orderDatesNote: String {
        orderDates.map { " Orders from \($0.lowerBound) through \($0.upperBound)." } ?? ""
    }
}
