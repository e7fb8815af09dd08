import Foundation

/// How a target's last scrape went, as `/api/v1/targets` shows it.
public struct TargetHealth: Sendable, Equatable {
    public enum State: String, Sendable {
        case unknown, up, down
    }

    public var state: State = .unknown
    public var lastError = ""
    public var lastScrape: Date?
    /// Seconds.
    public var lastScrapeDuration: Double = 0
}
