import OspreyModel
import Synchronization

/// The metadata seen for each metric family. A family described differently by different
/// sources (or differently over time) keeps each description, in the order first seen, the
/// newest `perMetric` of them.
final class MetadataTable: Sendable {
    static let perMetric = 8
    private let entries: Mutex<[String: [MetricMetadata]]>

    init(_ entries: [String: [MetricMetadata]] = [:]) {
        self.entries = Mutex(entries)
    }

    /// Takes in `updates`; returns the families whose descriptions changed, as they are now.
    func update(_ updates: [String: MetricMetadata]) -> [String: [MetricMetadata]] {
        guard !updates.isEmpty else { return [:] }
        return entries.withLock { entries in
            var changed: [String: [MetricMetadata]] = [:]
            for (metric, metadata) in updates {
                var known = entries[metric] ?? []
                // Sources that disagree take turns; only a description not yet known is news.
                if known.contains(metadata) { continue }
                known.append(metadata)
                if known.count > Self.perMetric { known.removeFirst(known.count - Self.perMetric) }
                entries[metric] = known
                changed[metric] = known
            }
            return changed
        }
    }

    var all: [String: [MetricMetadata]] { entries.withLock { $0 } }
}
