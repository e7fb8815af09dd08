import OspreyModel
import OspreyStorage

/// Many series' chunks of one cold shard compressed together: series scraped together share
/// their timestamps and often the shapes of their values, and one zlib stream over them finds
/// that, where a stream per series cannot. All timestamp parts come first, then all value parts,
/// so that equal timestamp runs stand close enough for zlib's window.
///
/// Layout before deflating: varint series count · per series: zigzag varint id delta, varint
/// encoding, varint length of the time part, varint length of the value part · every time part
/// · every value part. A Gorilla member has an empty time part.
struct ColdGroup {
    struct Member {
        var seriesID: Int64
        var encoding: ChunkRecord.Encoding
        var times: [UInt8]
        var values: [UInt8]

        init(seriesID: Int64, samples: [Sample]) {
            self.seriesID = seriesID
            if let parts = DecimalChunk.encodeParts(samples) {
                (encoding, times, values) = (.decimal, parts.times, parts.values)
            } else {
                (encoding, times, values) = (.xor, [], XORChunkEncoder(samples: samples).bytes)
            }
        }
    }

    var members: [Member] = []
    private(set) var rawSize = 0

    /// Series up to this many bytes of encoded chunks go in one group: a reader inflates a
    /// whole group to get one series.
    static let targetBytes = 192 << 10

    mutating func append(_ member: Member) {
        members.append(member)
        rawSize += member.times.count + member.values.count
    }

    func deflated() -> [UInt8] {
        var bytes: [UInt8] = []
        Varint.append(UInt64(members.count), to: &bytes)
        var previous: Int64 = 0
        for member in members {
            let delta = member.seriesID &- previous
            Varint.append(ZigZag.encode(delta), to: &bytes)
            Varint.append(UInt64(member.encoding.rawValue), to: &bytes)
            Varint.append(UInt64(member.times.count), to: &bytes)
            Varint.append(UInt64(member.values.count), to: &bytes)
            previous = member.seriesID
        }
        for member in members { bytes.append(contentsOf: member.times) }
        for member in members { bytes.append(contentsOf: member.values) }
        return ChunkCompression.deflate(bytes)
    }

    /// The samples of the wanted series found in a deflated group.
    static func samples(in deflated: [UInt8], of wanted: Set<Int64>) throws(StorageError) -> [Int64: [Sample]] {
        let bytes: [UInt8]
        do {
            bytes = try ChunkCompression.inflate(deflated)
        } catch {
            throw .io("corrupt cold chunk group: \(error)")
        }
        var position = 0
        func next() throws(StorageError) -> Int {
            guard let value = Varint.read(bytes, &position), value <= UInt64(bytes.count) else {
                throw .io("corrupt cold chunk group directory")
            }
            return Int(value)
        }
        let count = try next()
        var directory: [(id: Int64, encoding: Int, times: Int, values: Int)] = []
        var id: Int64 = 0
        for _ in 0..<count {
            guard let zigzag = Varint.read(bytes, &position) else { throw .io("corrupt cold chunk group directory") }
            id = id &+ ZigZag.decode(zigzag)
            directory.append((id, try next(), try next(), try next()))
        }
        var timeOffset = position
        var valueOffset = position + directory.reduce(0) { $0 + $1.times }
        guard valueOffset + directory.reduce(0, { $0 + $1.values }) <= bytes.count else {
            throw .io("corrupt cold chunk group: parts exceed the group")
        }
        var result: [Int64: [Sample]] = [:]
        for entry in directory {
            defer {
                timeOffset += entry.times
                valueOffset += entry.values
            }
            guard wanted.contains(entry.id) else { continue }
            do {
                switch ChunkRecord.Encoding(rawValue: entry.encoding) {
                case .decimal:
                    var times = DecimalChunk.ByteCursor(bytes: bytes, position: timeOffset)
                    var values = DecimalChunk.ByteCursor(bytes: bytes, position: valueOffset)
                    result[entry.id] = try DecimalChunk.decodeValues(&values, DecimalChunk.decodeTimes(&times))
                case .xor:
                    result[entry.id] = try XORChunkDecoder(bytes: Array(bytes[valueOffset..<(valueOffset + entry.values)])).samples()
                default:
                    throw StorageError.io("unknown encoding \(entry.encoding)")
                }
            } catch {
                throw .io("corrupt chunk of series \(entry.id) in a cold group: \(error)")
            }
        }
        return result
    }
}
