import OspreyModel
import OspreyTSDB
import Testing

/// zlib over finished chunks.
@Suite struct ChunkCompressionTests {
    @Test(arguments: [Int32(-1), 0, 1, 6, 9])
    func roundTrip(level: Int32) throws {
        var random = RandomSamples(seed: 3)
        for size in [0, 1, 2, 3, 50, 120, 1000, 4000] {
            let chunk = XORChunkEncoder(samples: random.samples(count: size)).bytes
            let compressed = ChunkCompression.deflate(chunk, level: level)
            #expect(try ChunkCompression.inflate(compressed) == chunk, "level \(level), \(size) samples")
            #expect(try ChunkCompression.inflate(compressed, expectedSize: chunk.count) == chunk)
        }
        #expect(try ChunkCompression.inflate(ChunkCompression.deflate([], level: level)) == [])
    }

    @Test func compressesRepetitiveBytes() throws {
        let bytes = [UInt8](repeating: 0xAB, count: 10_000)
        let compressed = ChunkCompression.deflate(bytes)
        #expect(compressed.count < 100)
        #expect(try ChunkCompression.inflate(compressed) == bytes)
    }

    @Test func outOfRangeLevelIsClamped() throws {
        let bytes = Array("osprey osprey osprey".utf8)
        #expect(try ChunkCompression.inflate(ChunkCompression.deflate(bytes, level: 42)) == bytes)
        #expect(try ChunkCompression.inflate(ChunkCompression.deflate(bytes, level: -7)) == bytes)
    }

    @Test func garbageIsRefused() {
        var generator = SeededGenerator(seed: 8)
        for _ in 0..<500 {
            var garbage = (0..<Int.random(in: 4...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // A modest length prefix, so that the payload itself is what fails.
            garbage[0] = 0
            garbage[1] = 0
            #expect(throws: ChunkError.self) { try ChunkCompression.inflate(garbage) }
        }
        #expect(throws: ChunkError.missingUncompressedSize(byteCount: 3)) { try ChunkCompression.inflate([0, 0, 1]) }
        let error = #expect(throws: ChunkError.self) { try ChunkCompression.inflate([0, 0, 0, 5, 1, 2, 3, 4, 5]) }
        if case .zlib(_, let reason)? = error { #expect(!reason.isEmpty) } else { Issue.record("got \(String(describing: error))") }
    }

    @Test func everyTruncationIsRefused() {
        var random = RandomSamples(seed: 4)
        let chunk = XORChunkEncoder(samples: random.samples(count: 300)).bytes
        let compressed = ChunkCompression.deflate(chunk)
        for length in 0..<compressed.count {
            #expect(throws: ChunkError.self, "truncated to \(length)") {
                try ChunkCompression.inflate(Array(compressed.prefix(length)))
            }
        }
    }

    @Test func sizeChecks() {
        let compressed = ChunkCompression.deflate(Array(repeating: 7, count: 100))
        #expect(throws: ChunkError.uncompressedSizeMismatch(expected: 99, actual: 100)) {
            try ChunkCompression.inflate(compressed, expectedSize: 99)
        }
        // A prefix claiming 4 GiB from a few bytes is refused before anything is allocated.
        var huge = compressed
        huge[0] = 0xFF
        #expect(throws: ChunkError.implausibleUncompressedSize(declared: 0xFF00_0064, compressedByteCount: compressed.count - 4)) {
            try ChunkCompression.inflate(huge)
        }
        // A prefix shorter than the payload: zlib runs out of room.
        var short = compressed
        short[3] = 50
        #expect(throws: ChunkError.self) { try ChunkCompression.inflate(short) }
        // A prefix longer than the payload: it inflates to fewer bytes than promised.
        var long = compressed
        long[3] = 200
        #expect(throws: ChunkError.uncompressedSizeMismatch(expected: 200, actual: 100)) {
            try ChunkCompression.inflate(long)
        }
    }
}
