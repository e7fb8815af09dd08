import OspreyModel

// A chunk of one series' samples in the Gorilla encoding (Pelkonen et al., "Gorilla: a fast,
// scalable, in-memory time series database", VLDB 2015), in this layout, bits most significant
// first:
//
//   header    byte 0: format (1); bytes 1...4: sample count, UInt32 big-endian
//   sample 0  timestamp as a zigzag varint; value as its 64 raw bits
//   sample 1  timestamp delta as a zigzag varint; value XOR-encoded
//   sample n  delta of delta in a bucket (below); value XOR-encoded
//
// Delta-of-delta buckets: `0` for 0; `10` + 8 bits, `110` + 14 bits, `1110` + 24 bits, each
// two's complement; `1111` + the 64 raw bits. Timestamp arithmetic wraps, so any Int64 sequence
// (out of order, repeated, Int64.min next to Int64.max) survives: the decoder undoes exactly
// what the encoder did, modulo 2^64.
//
// Values: the XOR of the value's bit pattern with the previous one's; `0` when equal; else `10`
// + the XOR's bits inside the previous window of meaningful bits when they fit it; else `11` +
// 5 bits of leading zeros (at most 31) + 6 bits of meaningful length (64 written as 0) + those
// bits, which become the window. Bit patterns are XORed, never arithmetic on doubles, so NaN
// payloads (the staleness marker 0x7ff0000000000002), -0.0 and subnormals come back as stored.

/// Sizes and widths of the XOR chunk layout above.
enum XORChunkLayout {
    static let format: UInt8 = 1
    /// Header bytes: the format byte and the UInt32 sample count after it.
    static let headerByteCount = 5
    static let countOffset = 1

    /// Delta-of-delta buckets after the `0` for zero, by payload width; the control bits of
    /// bucket i are i + 1 ones and a zero. Past the last, `1111` and 64 raw bits.
    static let deltaOfDeltaPayloadBits = (8, 14, 24)
    /// Bits a new value window costs over reusing the old one: 5 of leading zeros, 6 of length.
    static let windowDescriptionBits = 11
    static let maxLeadingZeros = 31
}

/// Encodes samples into an XOR chunk, one at a time, readable at any moment through `bytes`.
///
/// Appending does no heap allocation beyond the growth of the byte array.
public struct XORChunkEncoder: Sendable {
    private var writer: BitWriter
    /// Samples appended so far.
    public private(set) var count = 0
    /// The first appended timestamp (0 while empty). With samples out of order it need not be
    /// the smallest: the chunk keeps appends in the order they came.
    public private(set) var minTime: Timestamp = 0
    /// The last appended timestamp (0 while empty).
    public private(set) var maxTime: Timestamp = 0
    private var previousDelta: Int64 = 0
    private var previousValueBits: UInt64 = 0
    /// Leading zeros of the current value window; 64 (no XOR has that many) until one is set.
    private var windowLeading = 64
    private var windowTrailing = 0

    public init() {
        var header = [UInt8](repeating: 0, count: XORChunkLayout.headerByteCount)
        header[0] = XORChunkLayout.format
        writer = BitWriter(prefix: header)
    }

    /// A chunk of `samples`, in their order.
    public init(samples: some Sequence<Sample>) {
        self.init()
        append(contentsOf: samples)
    }

    /// The complete chunk so far, header included. Taking it copies nothing; the next append
    /// copies the array once if the taken value is still alive (copy on write).
    public var bytes: [UInt8] { writer.bytes }

    public mutating func append(contentsOf samples: some Sequence<Sample>) {
        for sample in samples { append(timestamp: sample.timestamp, value: sample.value) }
    }

    public mutating func append(timestamp: Timestamp, value: Double) {
        precondition(count < Int(UInt32.max), "an XOR chunk holds at most \(UInt32.max) samples")
        let valueBits = value.bitPattern
        switch count {
        case 0:
            writer.writeZigZagVarint(timestamp)
            writer.write(valueBits, bitCount: 64)
            minTime = timestamp
        case 1:
            let delta = timestamp &- maxTime
            writer.writeZigZagVarint(delta)
            appendValue(valueBits)
            previousDelta = delta
        default:
            let delta = timestamp &- maxTime
            appendDeltaOfDelta(delta &- previousDelta)
            appendValue(valueBits)
            previousDelta = delta
        }
        maxTime = timestamp
        previousValueBits = valueBits
        count += 1
        writer.overwrite(bigEndian: UInt32(count), atByte: XORChunkLayout.countOffset)
    }

    private mutating func appendDeltaOfDelta(_ deltaOfDelta: Int64) {
        if deltaOfDelta == 0 {
            writer.writeBit(false)
            return
        }
        let (small, medium, large) = XORChunkLayout.deltaOfDeltaPayloadBits
        if deltaOfDelta.fits(signedBits: small) {
            writeDeltaOfDelta(deltaOfDelta, control: 0b10, controlBits: 2, payloadBits: small)
        } else if deltaOfDelta.fits(signedBits: medium) {
            writeDeltaOfDelta(deltaOfDelta, control: 0b110, controlBits: 3, payloadBits: medium)
        } else if deltaOfDelta.fits(signedBits: large) {
            writeDeltaOfDelta(deltaOfDelta, control: 0b1110, controlBits: 4, payloadBits: large)
        } else {
            writer.write(0b1111, bitCount: 4)
            writer.write(UInt64(bitPattern: deltaOfDelta), bitCount: 64)
        }
    }

    private mutating func writeDeltaOfDelta(_ deltaOfDelta: Int64, control: UInt64, controlBits: Int, payloadBits: Int) {
        // Control and payload in one write, the payload cut to its two's complement low bits.
        let payload = UInt64(bitPattern: deltaOfDelta) & ((1 &<< UInt64(payloadBits)) &- 1)
        writer.write(control &<< UInt64(payloadBits) | payload, bitCount: controlBits + payloadBits)
    }

    private mutating func appendValue(_ valueBits: UInt64) {
        let xor = valueBits ^ previousValueBits
        if xor == 0 {
            writer.writeBit(false)
            return
        }
        let leading = min(xor.leadingZeroBitCount, XORChunkLayout.maxLeadingZeros)
        let trailing = xor.trailingZeroBitCount
        let meaningful = 64 - leading - trailing
        let windowMeaningful = 64 - windowLeading - windowTrailing
        // Reuse the window when the XOR fits it, unless a new, tighter window would save more
        // bits than describing it costs (one wide outlier would otherwise widen every later value).
        if leading >= windowLeading, trailing >= windowTrailing,
            windowMeaningful <= meaningful + XORChunkLayout.windowDescriptionBits
        {
            writer.write(0b10, bitCount: 2)
            writer.write(xor &>> UInt64(windowTrailing), bitCount: windowMeaningful)
        } else {
            // 64 meaningful bits go out as 0: six bits hold 0...63 and a length is never 0.
            let description =
                0b11 &<< UInt64(XORChunkLayout.windowDescriptionBits) | UInt64(leading) &<< 6 | UInt64(meaningful & 63)
            writer.write(description, bitCount: 2 + XORChunkLayout.windowDescriptionBits)
            writer.write(xor &>> UInt64(trailing), bitCount: meaningful)
            windowLeading = leading
            windowTrailing = trailing
        }
    }
}

/// Reads the samples of an XOR chunk back, in the order they were appended.
///
/// As a `Sequence`, iteration ends early on damaged bytes and leaves the reason in `error`;
/// `nextSample()` and `samples()` throw it instead.
public struct XORChunkDecoder: Sequence, IteratorProtocol, Sendable {
    /// Samples the header promises.
    public let count: Int
    /// Why decoding stopped before `count` samples, if it did.
    public private(set) var error: ChunkError?
    private var reader: BitReader
    private var nextIndex = 0
    private var timestamp: Int64 = 0
    private var delta: Int64 = 0
    private var valueBits: UInt64 = 0
    /// Meaningful bits of the current value window; 0 until the chunk sets one.
    private var windowMeaningful = 0
    private var windowTrailing = 0

    /// Checks the header: format, and a sample count the bytes could hold.
    public init(bytes: [UInt8]) throws(ChunkError) {
        guard bytes.count >= XORChunkLayout.headerByteCount else { throw .missingHeader(byteCount: bytes.count) }
        guard bytes[0] == XORChunkLayout.format else { throw .unknownFormat(bytes[0]) }
        var count = 0
        for byte in bytes[XORChunkLayout.countOffset..<XORChunkLayout.countOffset + 4] {
            count = count << 8 | Int(byte)
        }
        // The smallest samples: the first a 1-byte varint and 64 bits, the second a 1-byte varint
        // and 1 bit, each later one 2 bits. A count beyond that is damage, caught before decoding.
        let minimumBits = count == 0 ? 0 : 72 + (count == 1 ? 0 : 9 + 2 * (count - 2))
        guard minimumBits <= (bytes.count - XORChunkLayout.headerByteCount) * 8 else {
            throw .sampleCountExceedsData(sampleCount: count, byteCount: bytes.count)
        }
        self.count = count
        reader = BitReader(bytes: bytes, startingAtByte: XORChunkLayout.headerByteCount)
    }

    public mutating func next() -> Sample? {
        try? nextSample()
    }

    /// The next sample, nil after the last; throws (again, on every later call) if the bytes
    /// are damaged.
    public mutating func nextSample() throws(ChunkError) -> Sample? {
        if let error { throw error }
        guard nextIndex < count else { return nil }
        do {
            return try decodeSample()
        } catch {
            let located: ChunkError =
                switch error {
                case .endOfBits: .truncated(sampleIndex: nextIndex, sampleCount: count)
                case .malformedVarint: .malformedSample(sampleIndex: nextIndex, reason: error.description)
                default: error
                }
            self.error = located
            throw located
        }
    }

    /// The samples not decoded yet (all of them on a fresh decoder).
    public func samples() throws(ChunkError) -> [Sample] {
        var decoder = self
        var samples: [Sample] = []
        samples.reserveCapacity(count - nextIndex)
        while let sample = try decoder.nextSample() { samples.append(sample) }
        return samples
    }

    private mutating func decodeSample() throws(ChunkError) -> Sample {
        switch nextIndex {
        case 0:
            timestamp = try reader.readZigZagVarint()
            valueBits = try reader.read(bitCount: 64)
        case 1:
            delta = try reader.readZigZagVarint()
            timestamp &+= delta
            try readValue()
        default:
            delta &+= try readDeltaOfDelta()
            timestamp &+= delta
            try readValue()
        }
        nextIndex += 1
        return Sample(timestamp: timestamp, value: Double(bitPattern: valueBits))
    }

    private mutating func readDeltaOfDelta() throws(ChunkError) -> Int64 {
        guard try reader.readBit() else { return 0 }
        let (small, medium, large) = XORChunkLayout.deltaOfDeltaPayloadBits
        guard try reader.readBit() else { return try readSigned(bitCount: small) }
        guard try reader.readBit() else { return try readSigned(bitCount: medium) }
        guard try reader.readBit() else { return try readSigned(bitCount: large) }
        return Int64(bitPattern: try reader.read(bitCount: 64))
    }

    /// `bitCount` bits of two's complement, sign-extended.
    private mutating func readSigned(bitCount: Int) throws(ChunkError) -> Int64 {
        let unusedBits = UInt64(64 - bitCount)
        return Int64(bitPattern: try reader.read(bitCount: bitCount) &<< unusedBits) &>> unusedBits
    }

    private mutating func readValue() throws(ChunkError) {
        guard try reader.readBit() else { return }
        if try reader.readBit() {
            let description = try reader.read(bitCount: XORChunkLayout.windowDescriptionBits)
            let leading = Int(description &>> 6)
            let meaningful = description & 63 == 0 ? 64 : Int(description & 63)
            guard leading + meaningful <= 64 else {
                throw .malformedSample(
                    sampleIndex: nextIndex,
                    reason: "value window of \(leading) leading zeros and \(meaningful) bits exceeds 64 bits")
            }
            windowMeaningful = meaningful
            windowTrailing = 64 - leading - meaningful
        } else if windowMeaningful == 0 {
            throw .malformedSample(sampleIndex: nextIndex, reason: "value reuses a bit window before any was set")
        }
        valueBits ^= try reader.read(bitCount: windowMeaningful) &<< UInt64(windowTrailing)
    }
}

extension Int64 {
    /// Whether the value is representable in `bits`-bit two's complement.
    fileprivate func fits(signedBits bits: Int) -> Bool {
        let limit = Int64(1) &<< Int64(bits - 1)
        return self >= -limit && self < limit
    }
}
