import OspreyModel

/// What the head holds of one series: the open in-order chunk, and samples that arrived at or
/// before the newest timestamp already stored (out of order), kept apart until flushed.
struct HeadSeries {
    var open = XORChunkEncoder()
    /// The newest timestamp of the series anywhere: later samples are in order.
    var newest: Timestamp = .min
    /// The value last written at `newest`, to drop an identical resend without touching the
    /// chunk; nil when unknown (after a restart), so that no write is taken for a resend.
    var newestValue: Double?
    var outOfOrder: [Sample] = []
    /// The oldest timestamp of the series anywhere, as far as this process has seen.
    var oldest: Timestamp = .max

    /// Whether the series has samples and they, from its oldest to its newest, reach into
    /// `from ... to`.
    func spans(from minTime: Timestamp, to maxTime: Timestamp) -> Bool {
        oldest <= newest && newest >= minTime && oldest <= maxTime
    }
}

/// A chunk cut from the head, waiting for its shard.
struct PendingChunk {
    var number: Int64
    var record: ChunkRecord
}

/// The head's series by id. Ids are dense from 1, so an array indexed by id finds a series
/// without hashing on the hot path of every appended sample.
struct HeadTable {
    private var series: [HeadSeries] = []

    subscript(id: Int64) -> HeadSeries {
        get {
            let index = Int(id) - 1
            return index >= 0 && index < series.count ? series[index] : HeadSeries()
        }
        _modify {
            let index = Int(id) - 1
            if index >= series.count {
                series.append(contentsOf: repeatElement(HeadSeries(), count: index - series.count + 1))
            }
            yield &series[index]
        }
    }

    /// Whether series `id` has samples reaching into `from ... to`, read in place: label
    /// queries ask this of many series under the storage's lock.
    func spans(_ id: Int64, from minTime: Timestamp, to maxTime: Timestamp) -> Bool {
        let index = Int(id) - 1
        return index >= 0 && index < series.count && series[index].spans(from: minTime, to: maxTime)
    }

    /// Retention removed everything before `cutoff`: no series' oldest sample is older now.
    mutating func raiseOldest(to cutoff: Timestamp) {
        for index in series.indices where series[index].oldest < cutoff {
            series[index].oldest = cutoff
        }
    }

    /// Ids of series with anything in the head.
    var ids: [Int64] {
        series.indices.filter { series[$0].open.count > 0 || !series[$0].outOfOrder.isEmpty }.map { Int64($0 + 1) }
    }

    var sampleCount: Int {
        series.reduce(0) { $0 + $1.open.count + $1.outOfOrder.count }
    }
}
