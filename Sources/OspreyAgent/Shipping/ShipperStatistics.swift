import Foundation

/// What the shipper has done since the agent started, for the agent's own metrics.
public struct ShipperStatistics: Sendable, Equatable {
    public var pushesSent = 0
    public var pushesFailed = 0
    public var samplesSent = 0
    /// Samples a server refused as bad data (4xx other than 429); they are not sent again.
    public var samplesRejected = 0
    public var lastSuccess: Date?
}
