import OspreyModel
import Synchronization

/// The metadata seen for each metric family. A family described differently by different
/// sources (or differently over time) keeps each description, the one seen last at the end,
/// the `perMetric` most recent of them.
final class MetadataTable: Sendable {
    static let perMetric = 8
    private let entries: Mutex<[String: [MetricMetadata]]>

    init(_ entries: [String: [MetricMetadata]] = [:]) {
        self.entries = Mutex(entries)
    }

    /// Takes in `updates`. The families that gained a description are handed to `keep` as
    /// they are now, under the same lock, so that what is kept is never older than what is
    /// served. A description seen again only moves to the end, which is not kept: sources that
    /// disagree take turns without rewriting anything.
    func update(_ updates: [String: MetricMetadata], keep: ([String: [MetricMetadata]]) -> Void) {
        guard !updates.isEmpty else { return }
        entries.withLock { entries in
            var gained: [String: [MetricMetadata]] = [:]
            for (metric, metadata) in updates {
                var known = entries[metric] ?? []
                if known.last == metadata { continue }
                let isNew = !known.contains(metadata)
                known.removeAll { $0 == metadata }
                known.append(metadata)
                if known.count > Self.perMetric { known.removeFirst(known.count - Self.perMetric) }
                entries[metric] = known
                if isNew { gained[metric] = known }
            }
            if !gained.isEmpty { keep(gained) }
        }
    }

    var all: [String: [MetricMetadata]] { entries.withLock { $0 } }
}
