import OspreyModel
import OspreyTSDB
import Testing

/// Damaged chunks never trap: they throw, or decode garbage that the caller can detect later.
@Suite struct ChunkCorruptionTests {
    /// A chunk that uses every encoding path: regular and jittered steps, big jumps, repeats,
    /// new and reused value windows, NaN payloads.
    static let samples: [Sample] = {
        var random = RandomSamples(seed: 2024)
        var samples = random.samples(count: 200)
        var timestamp: Int64 = 1_700_000_000_000
        for index in 0..<200 {
            timestamp &+= [15_000, 15_003, 14_990, 15_000, 9_000_000, -1][index % 6]
            let value = index % 7 == 0 ? RandomSamples.stalenessMarker : Double(index / 3) * 1.5
            samples.append(Sample(timestamp: timestamp, value: value))
        }
        return samples
    }()

    /// Decodes what it can, the way a reader of a damaged file would.
    private func decodeAll(_ bytes: [UInt8]) -> (samples: [Sample], error: ChunkError?) {
        var decoder: XORChunkDecoder
        do {
            decoder = try XORChunkDecoder(bytes: bytes)
        } catch {
            return ([], error)
        }
        var samples: [Sample] = []
        while let sample = decoder.next() { samples.append(sample) }
        #expect(samples.count <= decoder.count)
        return (samples, decoder.error)
    }

    @Test func everyTruncationThrowsAndKeepsAPrefix() {
        let bytes = XORChunkEncoder(samples: Self.samples).bytes
        for length in 0..<bytes.count {
            let (decoded, error) = decodeAll(Array(bytes.prefix(length)))
            // Every byte of a chunk holds at least one bit of a sample, so a cut always loses
            // part of the samples the header promises.
            #expect(error != nil, "truncation to \(length) of \(bytes.count) bytes")
            expectSameSamples(decoded, Array(Self.samples.prefix(decoded.count)), "truncation to \(length)")
        }
    }

    @Test func truncationErrorsSayWhere() throws {
        let bytes = XORChunkEncoder(samples: Self.samples).bytes
        #expect(throws: ChunkError.missingHeader(byteCount: 3)) { try XORChunkDecoder(bytes: Array(bytes.prefix(3))) }
        var decoder = try XORChunkDecoder(bytes: Array(bytes.dropLast()))
        let error = #expect(throws: ChunkError.self) {
            while try decoder.nextSample() != nil {}
        }
        guard case .truncated(let index, let count)? = error else {
            Issue.record("expected a truncation, got \(String(describing: error))")
            return
        }
        #expect(count == Self.samples.count)
        #expect(index == Self.samples.count - 1)
        #expect(error?.description == "chunk data ends inside sample \(index) of \(count)")
        // The decoder stays stopped, and says why again.
        #expect(decoder.next() == nil)
        #expect(decoder.error == error)
        #expect(throws: error!) { try decoder.nextSample() }
    }

    @Test func headerChecks() {
        var bytes = XORChunkEncoder(samples: Self.samples).bytes
        bytes[0] = 7
        #expect(throws: ChunkError.unknownFormat(7)) { try XORChunkDecoder(bytes: bytes) }
        bytes[0] = 1
        bytes[1] = 0xFF
        #expect(throws: ChunkError.sampleCountExceedsData(sampleCount: 0xFF00_0000 + Self.samples.count, byteCount: bytes.count)) {
            try XORChunkDecoder(bytes: bytes)
        }
    }

    @Test func windowReuseBeforeAnyWindowIsRefused() throws {
        // Header for 2 samples, sample 0 (varint 0, value 0), sample 1: varint 0, then `10`.
        let bytes: [UInt8] = [1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0b1000_0000]
        let error = #expect(throws: ChunkError.self) { try XORChunkDecoder(bytes: bytes).samples() }
        #expect(error == .malformedSample(sampleIndex: 1, reason: "value reuses a bit window before any was set"))
    }

    @Test(arguments: 1...4 as ClosedRange<UInt64>)
    func randomFlipsNeverTrap(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let original = XORChunkEncoder(samples: Self.samples).bytes
        for _ in 0..<500 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                if Bool.random(using: &generator) {
                    bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &generator)
                } else {
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            _ = decodeAll(bytes)
        }
    }

    @Test func randomBytesNeverTrap() {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...64, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Mostly a plausible header, so that the garbage reaches the sample decoder.
            if count >= 5, !Int.random(in: 0..<10, using: &generator).isMultiple(of: 9) {
                bytes[0] = 1
                bytes[1] = 0
                bytes[2] = 0
                bytes[3] = 0
            }
            _ = decodeAll(bytes)
        }
    }
}
