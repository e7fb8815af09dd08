import OspreyModel

/// What one producer (a rule, a probe) wrote last time, so that a series it stops writing ends
/// with a staleness marker, as Prometheus ends the series of a scrape or a rule.
public struct StalenessTracker: Sendable {
    private var previous: Set<Labels> = []

    public init() {}

    /// Appends `samples` at `time`, and a staleness marker for every series written last time
    /// and not now, in one commit. A sample the storage refuses is skipped and the rest still
    /// stored; the first refusal is thrown after the commit.
    public mutating func write(
        _ samples: [(labels: Labels, value: Double)], at time: Timestamp, to appendable: any Appendable
    ) throws(StorageError) {
        let current = Set(samples.map(\.labels))
        let vanished = previous.subtracting(current)
        guard !samples.isEmpty || !vanished.isEmpty else { return }
        var appender = appendable.appender()
        var refused: StorageError?
        for sample in samples {
            do {
                try appender.append(sample.labels, timestamp: time, value: sample.value)
            } catch {
                refused = refused ?? error
            }
        }
        for labels in vanished {
            try? appender.append(labels, timestamp: time, value: .staleMarker)
        }
        try appender.commit()
        previous = current
        if let refused { throw refused }
    }
}
