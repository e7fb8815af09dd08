import OspreyModel

/// The encoding of cold chunks when every value is a decimal with few digits, as counters and
/// most gauges are: values become integers scaled by one power of ten, and both timestamps and
/// those integers are stored as varint deltas, which zlib then squeezes far below Gorilla's
/// XOR bits. Any value that does not come back bit for bit (NaN, ±Inf, -0.0, binary fractions)
/// makes the chunk fall back to Gorilla.
///
/// Layout: varint count · zigzag first timestamp · zigzag delta-of-delta per later timestamp ·
/// one byte scale k · one byte width w · the zigzag mantissa deltas as w byte planes (every
/// delta's lowest byte, then every delta's next byte, …), where each value is mantissa / 10^k.
public enum DecimalChunk {
    private static let powersOfTen: [Double] = (0...18).map { exponent in
        var power = 1.0
        for _ in 0..<exponent { power *= 10 }
        return power
    }

    /// The encoded chunk, or nil when some value is not a short decimal.
    public static func encode(_ samples: [Sample]) -> [UInt8]? {
        encodeParts(samples).map { $0.times + $0.values }
    }

    /// The chunk in two parts, timestamps then values, so that a cold group can keep all its
    /// series' timestamps side by side, where zlib finds the ones a scrape shares.
    static func encodeParts(_ samples: [Sample]) -> (times: [UInt8], values: [UInt8])? {
        guard let scale = commonScale(samples) else { return nil }
        var times: [UInt8] = []
        times.reserveCapacity(samples.count + 12)
        Varint.append(UInt64(samples.count), to: &times)
        var previousTime: Int64 = 0
        var previousDelta: Int64 = 0
        for (index, sample) in samples.enumerated() {
            let delta = sample.timestamp &- previousTime
            Varint.append(ZigZag.encode(index == 0 ? sample.timestamp : delta &- previousDelta), to: &times)
            if index > 0 { previousDelta = delta }
            previousTime = sample.timestamp
        }
        // Value deltas are written as byte planes, all low bytes first, then the next bytes up:
        // the high planes are nearly all zeros and the low one nearly random, and zlib's Huffman
        // codes fit each plane far better than they fit varints that mix both.
        var deltas: [UInt64] = []
        deltas.reserveCapacity(samples.count)
        var previousMantissa: Int64 = 0
        var widest: UInt64 = 0
        for sample in samples {
            let mantissa = Int64((sample.value * powersOfTen[scale]).rounded())
            let delta = mantissa &- previousMantissa
            let zigzag = ZigZag.encode(delta)
            deltas.append(zigzag)
            widest |= zigzag
            previousMantissa = mantissa
        }
        let width = max(1, (64 - widest.leadingZeroBitCount + 7) / 8)
        var values: [UInt8] = [UInt8(scale), UInt8(width)]
        values.reserveCapacity(samples.count * width + 2)
        for plane in 0..<width {
            let shift = UInt64(plane * 8)
            for delta in deltas { values.append(UInt8(truncatingIfNeeded: delta >> shift)) }
        }
        return (times, values)
    }

    public static func decode(_ bytes: [UInt8]) throws(ChunkError) -> [Sample] {
        var cursor = ByteCursor(bytes: bytes, position: 0)
        let timestamps = try decodeTimes(&cursor)
        return try decodeValues(&cursor, timestamps)
    }

    /// A read position in a buffer of varints.
    struct ByteCursor {
        let bytes: [UInt8]
        var position: Int

        mutating func zigzag() throws(ChunkError) -> Int64 {
            guard let raw = Varint.read(bytes, &position) else { throw .malformedVarint(bitPosition: position * 8) }
            return ZigZag.decode(raw)
        }
    }

    static func decodeTimes(_ cursor: inout ByteCursor) throws(ChunkError) -> [Int64] {
        guard let count = Varint.read(cursor.bytes, &cursor.position), count <= UInt64(cursor.bytes.count) else {
            throw .missingHeader(byteCount: cursor.bytes.count)
        }
        var timestamps: [Int64] = []
        timestamps.reserveCapacity(Int(count))
        var time: Int64 = 0
        var delta: Int64 = 0
        for index in 0..<Int(count) {
            let value = try cursor.zigzag()
            if index == 0 {
                time = value
            } else {
                delta = index == 1 ? value : delta &+ value
                time = time &+ delta
            }
            timestamps.append(time)
        }
        return timestamps
    }

    static func decodeValues(_ cursor: inout ByteCursor, _ timestamps: [Int64]) throws(ChunkError) -> [Sample] {
        let bytes = cursor.bytes
        let start = cursor.position
        guard start + 2 <= bytes.count, Int(bytes[start]) < powersOfTen.count, (1...8).contains(Int(bytes[start + 1])) else {
            throw .truncated(sampleIndex: 0, sampleCount: timestamps.count)
        }
        let divisor = powersOfTen[Int(bytes[start])]
        let width = Int(bytes[start + 1])
        let count = timestamps.count
        guard start + 2 + width * count <= bytes.count else {
            throw .truncated(sampleIndex: 0, sampleCount: count)
        }
        var samples: [Sample] = []
        samples.reserveCapacity(count)
        var mantissa: Int64 = 0
        for (index, timestamp) in timestamps.enumerated() {
            var zigzag: UInt64 = 0
            for plane in 0..<width {
                zigzag |= UInt64(bytes[start + 2 + plane * count + index]) << UInt64(plane * 8)
            }
            mantissa = mantissa &+ ZigZag.decode(zigzag)
            samples.append(Sample(timestamp: timestamp, value: Double(mantissa) / divisor))
        }
        cursor.position = start + 2 + width * count
        return samples
    }

    /// The smallest k for which every value is exactly mantissa / 10^k with |mantissa| < 2^53.
    private static func commonScale(_ samples: [Sample]) -> Int? {
        var scale = 0
        for sample in samples {
            guard let own = Self.scale(of: sample.value, from: scale) else { return nil }
            scale = own
        }
        // A value exact at a smaller scale need not be exact at the chunk's: check them all.
        for sample in samples where !isExact(sample.value, scale) { return nil }
        return scale
    }

    private static func scale(of value: Double, from minimum: Int) -> Int? {
        guard value.isFinite, !(value == 0 && value.sign == .minus) else { return nil }
        for scale in minimum..<powersOfTen.count where isExact(value, scale) { return scale }
        return nil
    }

    @inline(__always)
    private static func isExact(_ value: Double, _ scale: Int) -> Bool {
        let scaled = (value * powersOfTen[scale]).rounded()
        guard abs(scaled) < 9_007_199_254_740_992 else { return false }
        return (scaled / powersOfTen[scale]).bitPattern == value.bitPattern
    }
}
