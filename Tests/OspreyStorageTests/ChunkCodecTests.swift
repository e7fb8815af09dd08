import OspreyModel
import OspreyTSDB
import Testing

/// XOR chunks give back exactly what was appended: every timestamp, every value bit.
@Suite struct ChunkCodecTests {
    private func roundTrip(_ samples: [Sample], _ context: @autoclosure () -> String) throws {
        let encoder = XORChunkEncoder(samples: samples)
        #expect(encoder.count == samples.count, "\(context())")
        #expect(encoder.minTime == (samples.first?.timestamp ?? 0), "\(context())")
        #expect(encoder.maxTime == (samples.last?.timestamp ?? 0), "\(context())")
        let decoder = try XORChunkDecoder(bytes: encoder.bytes)
        #expect(decoder.count == samples.count, "\(context())")
        expectSameSamples(try decoder.samples(), samples, context())
    }

    /// Thousands of random chunks, 8 seeds run side by side.
    @Test(arguments: 1...8 as ClosedRange<UInt64>)
    func randomChunks(seed: UInt64) throws {
        var random = RandomSamples(seed: seed)
        for chunk in 0..<300 {
            let samples = random.samples(count: random.chunkSize())
            try roundTrip(samples, "seed \(seed) chunk \(chunk)")
        }
    }

    @Test func emptyChunk() throws {
        let encoder = XORChunkEncoder()
        #expect(encoder.count == 0)
        var decoder = try XORChunkDecoder(bytes: encoder.bytes)
        #expect(decoder.count == 0)
        #expect(try decoder.nextSample() == nil)
        #expect(decoder.next() == nil)
        #expect(decoder.error == nil)
    }

    @Test(arguments: RandomSamples.specialValues)
    func specialValueAfterEveryOther(_ value: Double) throws {
        // Every special value next to every other, both ways round, at all positions of a chunk.
        var samples: [Sample] = []
        for (index, other) in RandomSamples.specialValues.enumerated() {
            samples.append(Sample(timestamp: Int64(3 * index), value: value))
            samples.append(Sample(timestamp: Int64(3 * index + 1), value: other))
            samples.append(Sample(timestamp: Int64(3 * index + 2), value: value))
        }
        for count in 0...samples.count {
            try roundTrip(Array(samples.prefix(count)), "value 0x\(String(value.bitPattern, radix: 16)) first \(count)")
        }
    }

    @Test func extremeTimestamps() throws {
        let edges: [Int64] = [.min, .max, .min + 1, .max - 1, 0, -1, 1]
        // Every pair and triple of edges in order: deltas and deltas of deltas that overflow.
        for first in edges {
            for second in edges {
                for third in edges {
                    let samples = [first, second, third, first].enumerated().map {
                        Sample(timestamp: $0.element, value: Double($0.offset))
                    }
                    try roundTrip(samples, "timestamps \(samples.map(\.timestamp))")
                }
            }
        }
    }

    @Test func deltaOfDeltaBucketEdges() throws {
        // Steps that put the delta of delta just inside and just outside each bucket.
        var steps: [Int64] = []
        for bits in [8, 14, 24, 64] {
            let limit = bits == 64 ? Int64.max : Int64(1) << (bits - 1)
            steps += [limit &- 1, limit, 0 &- limit, 0 &- limit &- 1, limit &+ 1].map { 15_000 &+ $0 }
        }
        var timestamp: Int64 = 1_700_000_000_000
        var samples = [Sample(timestamp: timestamp, value: 1), Sample(timestamp: timestamp + 15_000, value: 1)]
        timestamp += 15_000
        for step in steps {
            // Back to the regular step after each jump, so every jump is one delta of delta.
            for delta in [step, 15_000] {
                timestamp &+= delta
                samples.append(Sample(timestamp: timestamp, value: 1))
            }
        }
        try roundTrip(samples, "bucket edges")
    }

    /// A head chunk is read while still being appended to: every intermediate `bytes` is a
    /// complete chunk of the samples so far.
    @Test func readWhileAppending() throws {
        var random = RandomSamples(seed: 99)
        for chunk in 0..<20 {
            let samples = random.samples(count: 150)
            var encoder = XORChunkEncoder()
            for (index, sample) in samples.enumerated() {
                encoder.append(timestamp: sample.timestamp, value: sample.value)
                let snapshot = encoder.bytes
                expectSameSamples(
                    try XORChunkDecoder(bytes: snapshot).samples(), Array(samples[...index]),
                    "chunk \(chunk) after \(index + 1) appends")
            }
        }
    }

    @Test func appendingDoesNotChangeATakenSnapshot() throws {
        var encoder = XORChunkEncoder(samples: [Sample(timestamp: 1, value: 1)])
        let snapshot = encoder.bytes
        encoder.append(timestamp: 2, value: 2)
        #expect(try XORChunkDecoder(bytes: snapshot).samples() == [Sample(timestamp: 1, value: 1)])
    }

    @Test func iterationAndSamplesAgree() throws {
        var random = RandomSamples(seed: 7)
        let samples = random.samples(count: 500)
        let bytes = XORChunkEncoder(samples: samples).bytes
        var decoder = try XORChunkDecoder(bytes: bytes)
        expectSameSamples(Array(decoder), samples, "for-in")
        // samples() decodes what is left: after two samples, the rest.
        _ = decoder.next()
        _ = decoder.next()
        expectSameSamples(try decoder.samples(), Array(samples.dropFirst(2)), "after two")
        #expect(decoder.error == nil)
    }

    @Test func appendContentsOfMatchesAppendOneByOne() {
        var random = RandomSamples(seed: 11)
        let samples = random.samples(count: 300)
        var oneByOne = XORChunkEncoder()
        for sample in samples { oneByOne.append(timestamp: sample.timestamp, value: sample.value) }
        var batched = XORChunkEncoder()
        batched.append(contentsOf: samples[..<100])
        batched.append(contentsOf: samples[100...])
        #expect(batched.bytes == oneByOne.bytes)
        #expect(XORChunkEncoder(samples: samples).bytes == oneByOne.bytes)
    }
}
