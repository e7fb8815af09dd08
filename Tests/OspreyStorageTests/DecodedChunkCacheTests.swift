import OspreyModel
import Testing

@testable import OspreyTSDB

@Suite struct DecodedChunkCacheTests {
    func record(_ samples: [Sample]) -> ChunkRecord {
        var encoder = XORChunkEncoder()
        encoder.append(contentsOf: samples)
        return ChunkRecord(
            seriesID: 7, minTime: samples.first!.timestamp, maxTime: samples.last!.timestamp, sequence: 0, encoding: .xor, data: encoder.bytes)
    }

    @Test func aRewrittenChunkIsNeverServedFromTheCache() throws {
        let cache = DecodedChunkCache(capacity: 1000)
        let before = [Sample(timestamp: 0, value: 1), Sample(timestamp: 1000, value: 2)]
        // Same series and time span, other values: what compaction or a replacement writes.
        let after = [Sample(timestamp: 0, value: 1), Sample(timestamp: 1000, value: 3)]
        #expect(try cache.samples(of: record(before)) == before)
        #expect(try cache.samples(of: record(before)) == before)
        #expect(try cache.samples(of: record(after)) == after)
    }

    @Test(arguments: [(100, 1), (1600, 16)])
    func theCacheStaysWithinItsCapacity(capacity: Int, stripes: Int) throws {
        let cache = DecodedChunkCache(capacity: capacity, stripes: stripes)
        for start in 0..<200 {
            let samples = (0..<20).map { Sample(timestamp: Timestamp(start * 100 + $0), value: Double($0)) }
            #expect(try cache.samples(of: record(samples)) == samples)
        }
        #expect(cache.heldSamples <= capacity)
        #expect(cache.heldSamples > 0)
    }
}
