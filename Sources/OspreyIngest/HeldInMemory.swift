/// What a transformed block holds in memory until it is merged, counted against the pushes'
/// budget.
public protocol HeldInMemory: Sendable {
    var heldBytes: Int { get }
}
