import Synchronization

/// A flag one task sets and another reads (a deadline that fired, for the code it interrupted).
final class Flag: Sendable {
    private let value = Atomic(false)
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}
