import OspreyModel
import OspreyStorage
import Testing

@testable import OspreyTSDB

/// The encodings of cold shards: decimal deltas, and many series packed in one zlib group.
@Suite struct ColdEncodingTests {
    @Test func decimalChunksRoundTripBitForBitOrRefuse() throws {
        var random = RandomSamples(seed: 41)
        var encodedSome = 0
        var refusedSome = 0
        for _ in 0..<1500 {
            let samples = random.samples(count: random.chunkSize())
            if let bytes = DecimalChunk.encode(samples) {
                encodedSome += 1
                expectSameSamples(try DecimalChunk.decode(bytes), samples, "decimal chunk")
            } else {
                refusedSome += 1
            }
        }
        // Both paths are exercised, or the test says nothing.
        #expect(encodedSome > 100)
        #expect(refusedSome > 100)
    }

    @Test func decimalValuesAreStoredAndOthersAreRefused() throws {
        let decimals: [Double] = [0, 1, -1, 0.1, 1234.56, -0.001, 1e12, 2.52, 99.999, 123_456_789.123]
        let samples = decimals.enumerated().map { Sample(timestamp: Int64($0.offset) * 15_000, value: $0.element) }
        expectSameSamples(try DecimalChunk.decode(try #require(DecimalChunk.encode(samples))), samples)
        // A mantissa beyond 2^53 at the chunk's scale cannot be exact either.
        for odd in [Double.nan, .infinity, -0.0, 1.0 / 3.0, Double(bitPattern: 0x7FF0_0000_0000_0002), 1e300, 1e15] {
            #expect(DecimalChunk.encode(samples + [Sample(timestamp: 1_000_000, value: odd)]) == nil, "\(odd)")
        }
    }

    @Test func aRegularScrapeCostsFarLessThanGorilla() throws {
        // A counter rising by whole numbers every 15 s, as node_exporter's are.
        var generator = SeededGenerator(seed: 5)
        var value = 1_000_000.0
        let samples = (0..<960).map { step -> Sample in
            value += Double(Int.random(in: 0...20, using: &generator))
            return Sample(timestamp: 1_795_906_800_000 + Int64(step) * 15_000, value: value)
        }
        let gorilla = XORChunkEncoder(samples: samples).bytes.count
        let decimal = ChunkCompression.deflate(try #require(DecimalChunk.encode(samples))).count
        #expect(Double(decimal) < Double(gorilla) * 0.5, "decimal+zlib \(decimal) bytes, Gorilla \(gorilla) bytes")
    }

    @Test func groupsReturnEachMembersSamples() throws {
        var random = RandomSamples(seed: 77)
        var group = ColdGroup()
        var expected: [Int64: [Sample]] = [:]
        for id in stride(from: Int64(3), through: 300, by: 7) {
            let samples = random.samples(count: Int.random(in: 1...300, using: &random.generator))
            group.append(ColdGroup.Member(seriesID: id, samples: samples))
            expected[id] = samples
        }
        let deflated = group.deflated()
        let all = try ColdGroup.samples(in: deflated, of: Set(expected.keys))
        #expect(all.count == expected.count)
        for (id, samples) in expected {
            expectSameSamples(try #require(all[id]), samples, "series \(id)")
        }
        let some = try ColdGroup.samples(in: deflated, of: [10, 17, 999])
        #expect(Set(some.keys) == [10, 17])
    }

    @Test func aCorruptGroupIsAnErrorNotACrash() {
        var group = ColdGroup()
        group.append(ColdGroup.Member(seriesID: 1, samples: [Sample(timestamp: 1, value: 1)]))
        var bytes = group.deflated()
        bytes[bytes.count / 2] ^= 0xFF
        #expect(throws: StorageError.self) { try ColdGroup.samples(in: bytes, of: [1]) }
        #expect(throws: StorageError.self) { try ColdGroup.samples(in: Array(bytes.prefix(3)), of: [1]) }
    }
}
