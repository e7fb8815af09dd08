import OspreyModel

/// Series held in memory and read as a storage's querier reads them: the fixed datasets of
/// engine tests and of the query fuzzer, where every sample is chosen by hand.
public struct MemoryQueryable: Queryable, Sendable {
    public var series: [StoredSeries]

    public init(series: [StoredSeries]) {
        self.series = series
    }

    public func querier(minTime: Timestamp, maxTime: Timestamp) -> any Querier {
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
