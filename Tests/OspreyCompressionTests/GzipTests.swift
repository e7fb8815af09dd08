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
