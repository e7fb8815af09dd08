import OspreyModel
import Synchronization

/// The metadata last seen for each metric family, kept in memory as Prometheus keeps its
/// targets' metadata: it comes back with the next scrape or push after a restart. A family
/// described differently by different sources keeps each description, the newest last, up to
/// `perMetric` of them.
final class MetadataTable: Sendable {
    static let perMetric = 8
    private let entries = Mutex<[String: [MetricMetadata]]>([:])

    func update(_ updates: [String: MetricMetadata]) {
        guard !updates.isEmpty else { return }
        entries.withLock { entries in
            for (metric, metadata) in updates {
                var known = entries[metric] ?? []
                if known.last == metadata { continue }
                known.removeAll { $0 == metadata }
                known.append(metadata)
                if known.count > Self.perMetric { known.removeFirst(known.count - Self.perMetric) }
                entries[metric] = known
            }
        }
    }

    var all: [String: [MetricMetadata]] { entries.withLock { $0 } }
}
