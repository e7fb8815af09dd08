import OspreyModel
import OspreyStorage

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
        /// The series' newest timestamp then: in-order samples after it were committed later.
        var newest: Timestamp
    }

    func select(_ matchers: [LabelMatcher]) throws(StorageError) -> [StoredSeries] {
        try select(matchers, stoppingIf: { false })
    }

    func select(_ matchers: [LabelMatcher], stoppingIf isInterrupted: () -> Bool) throws(StorageError) -> [StoredSeries] {
        // The select shows the storage as of this moment. Shards read afterwards may hold chunks
        // cut since: in-order ones are cut short at the newest timestamp of the moment, and
        // out-of-order ones (sequence at or past `nextSequence`) are left out, their samples of
        // the moment being in the copy of the out-of-order buffer. So no commit is seen in part.
        // Recompressed groups stay in whatever their sequence: they hold older chunks too.
        let (snapshots, sequenceLimit) = try withSelected(matchers, stoppingIf: isInterrupted) { state, ids -> ([(Int64, HeadSnapshot)], Int64) in
            let snapshots = ids.compactMap { id -> (Int64, HeadSnapshot)? in
                guard let labels = state.index.labels(of: id) else { return nil }
                let head: HeadSeries? = state.head[id]
                let open = head.flatMap { $0.open.count > 0 && $0.open.maxTime >= minTime && $0.open.minTime <= maxTime ? $0.open.bytes : nil }
                let pending = (state.pending[id] ?? []).map(\.record).filter { $0.maxTime >= minTime && $0.minTime <= maxTime }
                let outOfOrder = (head?.outOfOrder ?? []).filter { $0.timestamp >= minTime && $0.timestamp <= maxTime }
                return (
                    id,
                    HeadSnapshot(
                        labels: labels, open: open, pending: pending, outOfOrder: outOfOrder, newest: head?.newest ?? .min)
                )
            }
            return (snapshots, state.nextSequence)
        }
        let stored = try storage.shards.read(snapshots.map(\.0), minTime: minTime, maxTime: maxTime)
        var result: [StoredSeries] = []
        result.reserveCapacity(snapshots.count)
        for (id, head) in snapshots {
            var sources: [(sequence: Int64, samples: [Sample])] = []
            for record in (stored[id] ?? []).filter({ $0.sequence < sequenceLimit || $0.isRecompressed }) + head.pending {
                sources.append((record.sequence, try storage.decodedChunks.samples(of: record)))
            }
            if let open = head.open {
                // The open chunk grows, but the cache keys by content: a grown chunk is a new entry.
                let record = ChunkRecord(seriesID: id, minTime: 0, maxTime: 0, sequence: 0, encoding: .xor, data: open)
                sources.append((0, try storage.decodedChunks.samples(of: record)))
            }
            if !head.outOfOrder.isEmpty {
                sources.append((.max, head.outOfOrder))
            }
            let upTo = min(maxTime, head.newest)
            let samples = Self.within(try SampleMerge.merge(sources), from: minTime, to: upTo)
            if !samples.isEmpty {
                result.append(StoredSeries(labels: head.labels, samples: samples))
            }
        }
        return result
    }

    /// Label names and values come from the series with samples somewhere in the querier's
    /// range, as Prometheus takes them from the blocks the range overlaps: a host retired last
    /// week is not offered for the last six hours, and a series never given a sample is not offered.
    func labelNames(matching matchers: [LabelMatcher]) throws(StorageError) -> [String] {
        try withSelected(matchers, stoppingIf: { false }) { state, ids in
            state.index.labelNames(of: matchers.isEmpty ? nil : ids) { id in state.head.spans(id, from: minTime, to: maxTime) }
        }
    }

    func labelValues(_ name: String, matching matchers: [LabelMatcher]) throws(StorageError) -> [String] {
        try withSelected(matchers, stoppingIf: { false }) { state, ids in
            state.index.labelValues(name, of: matchers.isEmpty ? nil : ids) { id in
                state.head.spans(id, from: minTime, to: maxTime)
            }
        }
    }

    /// Runs `body` under the storage lock with the ids of the series `matchers` select. The
    /// matchers' values are tested before, outside the lock (see `ValueScan`), so writers never
    /// wait for a regex; `isInterrupted` stops that testing.
    private func withSelected<Result>(
        _ matchers: [LabelMatcher], stoppingIf isInterrupted: () -> Bool,
        _ body: @Sendable (inout MetricsStorage.State, [Int64]) -> Result
    ) throws(StorageError) -> Result {
        var scan = ValueScan(matchers)
        while true {
            // The round that finds every value tested selects in the same hold of the lock, so
            // the ids are those of that moment, series created by an open batch included.
            let round = storage.state.withLock { state -> SelectRound<Result> in
                let untested = scan.untested(in: state.index)
                guard untested.isEmpty else { return .test(untested) }
                return .done(body(&state, state.index.select(scan)))
            }
            switch round {
            case .done(let result): return result
            case .test(let batches): try scan.test(batches, stoppingIf: isInterrupted)
            }
        }
    }

    private enum SelectRound<Result> {
        case test([ValueScan.Batch])
        case done(Result)
    }

    /// The samples of a time-sorted array inside `from ... to`, found by binary search; the array
    /// itself (no copy) when all of it is inside, as it mostly is.
    static func within(_ samples: [Sample], from minTime: Timestamp, to maxTime: Timestamp) -> [Sample] {
        func firstIndex(after limit: Timestamp, inclusive: Bool) -> Int {
            var low = 0
            var high = samples.count
            while low < high {
                let middle = (low + high) / 2
                let time = samples[middle].timestamp
                if inclusive ? time < limit : time <= limit { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let start = firstIndex(after: minTime, inclusive: true)
        let end = firstIndex(after: maxTime, inclusive: false)
        if start == 0, end == samples.count { return samples }
        return start < end ? Array(samples[start..<end]) : []
    }
}
