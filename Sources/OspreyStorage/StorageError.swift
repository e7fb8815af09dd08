import OspreyModel

/// Why storage refused or failed a request.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Creating the series would exceed `storage.max_series`.
    case seriesLimit(labels: Labels, limit: Int)
    /// The sample is older than the retention allows.
    case outOfRetention(labels: Labels, timestamp: Timestamp, oldestAllowed: Timestamp)
    /// The sample is further ahead of the clock than `storage.max_future` allows.
    case tooFarInFuture(labels: Labels, timestamp: Timestamp, newestAllowed: Timestamp)
    /// The labels cannot name a series (no metric name, an invalid label name).
    case invalidLabels(labels: Labels, reason: String)
    /// A reference that this storage never handed out.
    case unknownSeries(SeriesRef)
    /// Disk or database trouble: the operation did not complete.
    case io(String)
    /// The storage was closed.
    case closed
    /// The reader stopped the read (a cancelled or timed-out query).
    case interrupted

    public var description: String {
        switch self {
        case .seriesLimit(let labels, let limit):
            "series limit of \(limit) reached: new series \(labels) refused (storage.max_series)"
        case .outOfRetention(let labels, let timestamp, let oldest):
            "sample of \(labels) at \(timestamp) ms is older than retention allows (oldest \(oldest) ms)"
        case .tooFarInFuture(let labels, let timestamp, let newest):
            "sample of \(labels) at \(timestamp) ms is too far in the future (newest \(newest) ms, storage.max_future)"
        case .invalidLabels(let labels, let reason): "invalid series \(labels): \(reason)"
        case .unknownSeries(let ref): "unknown series reference \(ref.id)"
        case .io(let message): "storage I/O error: \(message)"
        case .closed: "storage is closed"
        case .interrupted: "read interrupted by its reader"
        }
    }
}
