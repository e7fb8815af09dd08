import Foundation
import OspreyFormats
import OspreyModel
import Testing

/// The captured `/metrics` outputs in `Fixtures/` (see its README.md for where each comes from).
enum Fixture: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case nodeExporter = "node_exporter.prom"
    case pythonClient = "python_client.prom"
    case pythonClientOpenMetrics = "python_client.openmetrics"
    case prometheus = "prometheus.prom"
    case victoriaMetrics = "victoria_metrics.prom"

    var format: ExpositionFormat { rawValue.hasSuffix(".openmetrics") ? .openMetrics : .text }

    var testDescription: String { rawValue }

    func bytes() throws -> [UInt8] {
        // `.copy("Fixtures")` keeps the folder as one resource, so look the folder up and read
        // the file inside it.
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return [UInt8](try Data(contentsOf: folder.appendingPathComponent(rawValue)))
    }

    /// The file's lines, without the empty string after the final newline.
    func lines() throws -> [Substring] {
        let text = String(decoding: try bytes(), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// Every entry of an exposition, in order.
func entries(_ bytes: [UInt8], _ format: ExpositionFormat) throws(ExpositionError) -> [ExpositionEntry] {
    var parser = ExpositionParser(bytes: bytes, format: format)
    var result: [ExpositionEntry] = []
    while let entry = try parser.next() { result.append(entry) }
    return result
}

func entries(_ text: String, _ format: ExpositionFormat) throws(ExpositionError) -> [ExpositionEntry] {
    try entries(Array(text.utf8), format)
}

extension ExpositionEntry {
    var sample: ParsedSample? {
        if case .sample(let sample) = self { sample } else { nil }
    }
}

func samples(_ text: String, _ format: ExpositionFormat) throws(ExpositionError) -> [ParsedSample] {
    try entries(text, format).compactMap(\.sample)
}

/// Labels from a literal, `__name__` first for readability.
func series(_ name: String, _ labels: KeyValuePairs<String, String> = [:]) -> Labels {
    Labels([Label(Labels.metricName, name)] + labels.map { Label($0.key, $0.value) })
}

/// Requires `text` to be rejected at `line` with a reason containing each of `fragments`.
@discardableResult
func expectError(
    _ text: String, _ format: ExpositionFormat, line: Int, _ fragments: String...,
    sourceLocation: SourceLocation = #_sourceLocation
) -> ExpositionError? {
    expectError(Array(text.utf8), format, line: line, fragments, sourceLocation: sourceLocation)
}

@discardableResult
func expectError(
    _ bytes: [UInt8], _ format: ExpositionFormat, line: Int, _ fragments: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) -> ExpositionError? {
    do {
        let parsed = try entries(bytes, format)
        Issue.record(
            "expected an error at line \(line), parsed \(parsed.count) entries", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.reason.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
        #expect(error.description == "line \(error.line): \(error.reason)", sourceLocation: sourceLocation)
        return error
    }
}

/// SplitMix64: a small seeded generator, so that the randomised tests are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
