import OspreyFormats
import OspreyModel

/// VictoriaMetrics's JSON import, line by line as `/api/v1/import` splits a body: every line
/// decodes or is refused, and a decoded line pairs each value with a timestamp.
enum JSONImportHarness {
    static func run(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        for (offset, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard let decoded = try? JSONImportLine(line, number: offset + 1) else { continue }
            invariant(decoded.values.count == decoded.timestamps.count, "\(decoded.values.count) values, \(decoded.timestamps.count) timestamps")
            invariant(decoded.labels.allSatisfy { !$0.value.isEmpty }, "a label with an empty value was kept")
        }
    }
}
