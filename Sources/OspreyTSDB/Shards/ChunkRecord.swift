import OspreyModel
import OspreyStorage

/// One chunk of one series as a shard stores it.
struct ChunkRecord: Sendable {
    enum Encoding: Int, Sendable {
        /// Gorilla: delta-of-delta timestamps, XOR values.
        case xor = 1
        /// Gorilla bytes compressed again with zlib, for cold shards.
        case xorDeflated = 2
        /// Decimal deltas compressed with zlib.
        case decimalDeflated = 3
        /// Decimal deltas, inside a cold group that is compressed as a whole.
        case decimal = 4
    }

    var seriesID: Int64
    var minTime: Timestamp
    var maxTime: Timestamp
    /// 0 for in-order data; out-of-order chunks count up from 1, later writes higher, so that the
    /// newest value wins where chunks overlap.
    var sequence: Int64
    var encoding: Encoding
    var data: [UInt8]
    /// Samples already decoded, for chunks read out of a cold group.
    var decoded: [Sample]? = nil

    /// Read out of a cold group, rather than a chunk as the head cut it.
    var isRecompressed: Bool { decoded != nil }

    func samples() throws(StorageError) -> [Sample] {
        if let decoded { return decoded }
        do {
            switch encoding {
            case .xor: return try XORChunkDecoder(bytes: data).samples()
            case .xorDeflated: return try XORChunkDecoder(bytes: ChunkCompression.inflate(data)).samples()
            case .decimalDeflated: return try DecimalChunk.decode(ChunkCompression.inflate(data))
            case .decimal: return try DecimalChunk.decode(data)
            }
        } catch {
            throw .io("corrupt chunk of series \(seriesID) at \(minTime)...\(maxTime): \(error)")
        }
    }
}
