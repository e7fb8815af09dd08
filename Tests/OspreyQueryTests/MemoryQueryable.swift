import OspreyModel
import OspreyQuery
import OspreyStorage

/// Series held in memory, for engine tests that need exact control over samples.
struct MemoryQueryable: Queryable {
    var series: [StoredSeries]

    func querier(minTime: Timestamp, maxTime: Timestamp) -> any Querier {
        MemoryQuerier(series: series, minTime: minTime, maxTime: maxTime)
    }
}

private struct MemoryQuerier: Querier {
    let series: [StoredSeries]
    let minTime: Timestamp
    let maxTime: Timestamp

    func select(_ matchers: [LabelMatcher]) throws(StorageError) -> [StoredSeries] {
        series.compactMap { item in
            guard matchers.allSatisfy({ $0.matches(item.labels[$0.name] ?? "") }) else { return nil }
            let samples = item.samples.filter { $0.timestamp >= minTime && $0.timestamp <= maxTime }
            return samples.isEmpty ? nil : StoredSeries(labels: item.labels, samples: samples)
        }
    }

    func labelNames(matching matchers: [LabelMatcher]) throws(StorageError) -> [String] {
        Array(Set(try select(matchers).flatMap { $0.labels.map(\.name) })).sorted()
    }

    func labelValues(_ name: String, matching matchers: [LabelMatcher]) throws(StorageError) -> [String] {
        Array(Set(try select(matchers).compactMap { $0.labels[name] })).sorted()
    }
}

func series(_ name: String, _ labels: [String: String] = [:], _ points: [(Timestamp, Double)]) -> StoredSeries {
    StoredSeries(
        labels: Labels(labels.merging([Labels.metricName: name]) { a, _ in a }),
        samples: points.map { Sample(timestamp: $0.0, value: $0.1) })
}

func selector(_ name: String, offset: Int64 = 0, at: AtModifier? = nil) -> VectorSelector {
    VectorSelector(name: name, matchers: [.equal(Labels.metricName, name)], offset: offset, at: at)
}
