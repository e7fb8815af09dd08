import Foundation

/// How a scheduled probe has been doing, as `/api/v1/probes` shows it.
public struct ProbeStatus: Sendable {
    public var probe: ScheduledProbe
    /// When the last probe ended, and how it went.
    public var lastProbe: Date?
    public var lastDuration: Duration?
    public var lastSucceeded: Bool?
    /// When a probe last succeeded.
    public var lastSuccess: Date?
    /// Why the last failed probe failed.
    public var lastError: String?
    /// Probes run, and turns skipped because the previous probe was still running.
    public var runs = 0
    public var skipped = 0

    public init(probe: ScheduledProbe) {
        self.probe = probe
    }
}
