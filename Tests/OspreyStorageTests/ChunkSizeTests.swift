import OspreyModel
import OspreyTSDB
import Testing

/// Bytes per sample of typical series, so that a regression in the encoding shows up as a
/// failure and not as a slowly growing disk.
@Suite struct ChunkSizeTests {
    /// Four hours of 15 s scrapes.
    static let sampleCount = 960
    static let start: Int64 = 1_700_000_000_000

    private func bytesPerSample(_ samples: [Sample]) throws -> Double {
        let bytes = XORChunkEncoder(samples: samples).bytes
        expectSameSamples(try XORChunkDecoder(bytes: bytes).samples(), samples)
        return Double(bytes.count) / Double(samples.count)
    }

    @Test func constantGauge() throws {
        let samples = (0..<Self.sampleCount).map { Sample(timestamp: Self.start + Int64($0) * 15_000, value: 42) }
        let size = try bytesPerSample(samples)
        // Two bits a sample (delta of delta 0, value unchanged) plus the first sample.
        #expect(size < 0.3, "constant gauge: \(size) bytes per sample")
    }

    @Test func counter() throws {
        var generator = SeededGenerator(seed: 1)
        var value = 1_234_567.0
        let samples = (0..<Self.sampleCount).map { index in
            value += Double(Int.random(in: 0...20, using: &generator))
            return Sample(timestamp: Self.start + Int64(index) * 15_000, value: value)
        }
        let size = try bytesPerSample(samples)
        #expect(size < 1.8, "counter: \(size) bytes per sample")
    }

    /// Resident memory in pages, scraped with a few milliseconds of jitter.
    @Test func jitteredMemoryGauge() throws {
        var generator = SeededGenerator(seed: 2)
        var timestamp = Self.start
        var value = 2_000_000_000.0
        let samples = (0..<Self.sampleCount).map { _ in
            timestamp += 15_000 + Int64.random(in: -5...5, using: &generator)
            value += Double(Int.random(in: -64...64, using: &generator) * 4096)
            return Sample(timestamp: timestamp, value: value)
        }
        let size = try bytesPerSample(samples)
        #expect(size < 3, "jittered memory gauge: \(size) bytes per sample")
    }
}
