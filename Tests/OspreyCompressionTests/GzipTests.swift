import Foundation
import OspreyCompression
import OspreyTestSupport
import Testing

/// Osprey's gzip against the `gzip` program: what one writes the other reads.
@Suite struct GzipTests {
    static let text = Array((0..<2_000).map { "http_requests_total{code=\"200\",path=\"/api/\($0 % 37)\"} \($0)\n" }.joined().utf8)

    @Test func gzipReadsWhatOspreyCompresses() throws {
        let compressed = try Gzip.compress(Self.text)
        #expect(compressed.count < Self.text.count / 5)
        #expect(try Self.run("/bin/gzip", ["-d", "-c"], input: compressed) == Self.text)
    }

    @Test func ospreyReadsWhatGzipCompresses() throws {
        let compressed = try Self.run("/bin/gzip", ["-c", "-9"], input: Self.text)
        #expect(try Gzip.decompress(compressed) == Self.text)
    }

    @Test func membersOneAfterAnotherAreReadAsGzipReadsThem() throws {
        let first = try Gzip.compress(Array("first_metric 1\n".utf8))
        let second = try Self.run("/bin/gzip", ["-c"], input: Array("second_metric 2\n".utf8))
        #expect(try Gzip.decompress(first + second) == Array("first_metric 1\nsecond_metric 2\n".utf8))
        // Split where the second member starts, as a body arrives in pieces.
        let inflater = try Inflater()
        var output: [UInt8] = []
        try inflater.inflate(first) { output += $0 }
        try inflater.inflate(second) { output += $0 }
        #expect(inflater.isComplete)
        #expect(output == Array("first_metric 1\nsecond_metric 2\n".utf8))
    }

    /// A bomb (a few KiB that inflate to 16 MiB) comes out only as far and as fast as it is
    /// drawn: each piece within the size asked, and the rest of the input left compressed.
    @Test func aBombIsInflatedOnlyAsFarAsItIsDrawn() throws {
        let size = 16 << 20
        let bomb = try Gzip.compress([UInt8](repeating: 0x30, count: size), level: 9)
        #expect(bomb.count < size / 500)
        let inflater = try Inflater()
        inflater.feed(bomb)
        var drawn = 0
        for _ in 0..<3 {
            let piece = try #require(try inflater.next(upTo: 4096))
            #expect(piece.count <= 4096 && piece.allSatisfy { $0 == 0x30 })
            drawn += piece.count
        }
        #expect(drawn <= 3 * 4096)
        #expect(inflater.pendingInput > 0, "the rest of the bomb stays compressed until drawn")
        #expect(!inflater.isComplete)
        while let piece = try inflater.next() {
            #expect(piece.count <= Inflater.pieceSize)
            drawn += piece.count
        }
        #expect(drawn == size)
        #expect(inflater.isComplete)
    }

    @Test func dataAfterTheStreamIsRefused() throws {
        let compressed = try Gzip.compress(Self.text)
        #expect(throws: Inflater.InflateError.self) { try Gzip.decompress(compressed + Array("trailing garbage".utf8)) }
    }

    @Test func aCutStreamIsRefused() throws {
        let compressed = try Gzip.compress(Self.text)
        let error = #expect(throws: Inflater.InflateError.self) { try Gzip.decompress(Array(compressed.prefix(compressed.count / 2))) }
        #expect(error?.description.contains("ends early") == true)
    }

    @Test func corruptDataIsRefusedWithZlibsReason() throws {
        var compressed = try Gzip.compress(Self.text)
        compressed[0] = 0x00
        let error = #expect(throws: Inflater.InflateError.self) { try Gzip.decompress(compressed) }
        #expect(error?.description.contains("corrupt") == true)
    }

    static func run(_ program: String, _ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        Array(try Program.runBlocking(program, arguments, input: Data(input)).stdout)
    }
}
