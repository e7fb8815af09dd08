import OspreyModel

/// Reads series from the head and the shards of one storage over one time range.
struct StorageQuerier: Querier {
    let storage: MetricsStorage
    let minTime: Timestamp
    let maxTime: Timestamp

    /// What the head holds of one selected series at the moment of the select.
    private struct HeadSnapshot {
        var labels: Labels
        var open: [UInt8]?
        var pending: [ChunkRecord]
        var outOfOrder: [Sample]
    }

    func select(_ matchers: [LabelMatcher]) throws(StorageError) -> [StoredSeries] {
        let snapshots = storage.state.withLock { state -> [(Int64, HeadSnapshot)] in
            state.index.select(matchers).compactMap { id in
                guard let labels = state.index.labels(of: id) else { return nil }
                let head: HeadSeries? = state.head[id]
                let open = head.flatMap { $0.open.count > 0 && $0.open.maxTime >= minTime && $0.open.minTime <= maxTime ? $0.open.bytes : nil }
                let pending = (state.pending[id] ?? []).map(\.record).filter { $0.maxTime >= minTime && $0.minTime <= maxTime }
                let outOfOrder = (head?.outOfOrder ?? []).filter { $0.timestamp >= minTime && $0.timestamp <= maxTime }
                return (id, HeadSnapshot(labels: labels, open: open, pending: pending, outOfOrder: outOfOrder))
            }
        }
        let stored = try storage.shards.read(snapshots.map(\.0), minTime: minTime, maxTime: maxTime)
        var result: [StoredSeries] = []
        result.reserveCapacity(snapshots.count)
        for (id, head) in snapshots {
            var sources: [(sequence: Int64, samples: [Sample])] = []
            for record in (stored[id] ?? []) + head.pending {
                sources.append((record.sequence, try record.samples()))
            }
            if let open = head.open {
                sources.append((0, try ChunkRecord(seriesID: id, minTime: 0, maxTime: 0, sequence: 0, encoding: .xor, data: open).samples()))
            }
            if !head.outOfOrder.isEmpty {
                sources.append((.max, head.outOfOrder))
            }
            let samples = try SampleMerge.merge(sources).filter { $0.timestamp >= minTime && $0.timestamp <= maxTime }
            if !samples.isEmpty {
                result.append(StoredSeries(labels: head.labels, samples: samples))
            }
        }
        return result
    }

    func labelNames(matching matchers: [LabelMatcher]) throws(StorageError) -> [String] {
        storage.state.withLock { state in
            state.index.labelNames(of: matchers.isEmpty ? nil : state.index.select(matchers))
        }
    }

    func labelValues(_ name: String, matching matchers: [LabelMatcher]) throws(StorageError) -> [String] {
        storage.state.withLock { state in
            state.index.labelValues(name, of: matchers.isEmpty ? nil : state.index.select(matchers))
        }
    }
}
