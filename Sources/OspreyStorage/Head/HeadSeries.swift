import OspreyModel

/// What the head holds of one series: the open in-order chunk, and samples that arrived at or
/// before the newest timestamp already stored (out of order), kept apart until flushed.
struct HeadSeries {
    var open = XORChunkEncoder()
    /// The newest timestamp of the series anywhere: later samples are in order.
    var newest: Timestamp = .min
    /// The value at `newest`, to drop an identical resend without touching the chunk.
    var newestValue: Double = .nan
    var outOfOrder: [Sample] = []
}

/// A chunk cut from the head, waiting for its shard.
struct PendingChunk {
    var number: Int64
    var record: ChunkRecord
}
