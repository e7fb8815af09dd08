/// The notifications that must reach one endpoint in the order queued: those of one group for
/// one receiver at one URL. Different queues are delivered independently.
public struct OutboxQueue: Sendable, Hashable, CustomStringConvertible {
    public var receiver: String
    public var groupKey: String
    public var url: String

    public init(receiver: String, groupKey: String, url: String) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.url = url
    }

    public var description: String { "receiver \"\(receiver)\" group \(groupKey) at \(url)" }
}
