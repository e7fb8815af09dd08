import Foundation
import Hummingbird
import OspreyConfig
import OspreyFormats
import OspreyModel
import OspreyStorage

/// The push endpoints: VictoriaMetrics's `/api/v1/import/prometheus` (text format) and
/// `/api/v1/import` (JSON lines), behind auth and the ingest bulkhead.
struct ImportRoutes<Context: RequestContext> {
    let ingest: IngestGate

    func register(on router: Router<Context>) {
        router.post("/api/v1/import/prometheus") { request, _ in
            try await ingest.handle(request) { batch, request in
                let now = MetricsStorage.now()
                try await BodyBlocks(maxBytes: batch.limits.maxBodyBytes).read(
                    request, transform: { try ParsedBlock($0, linesBefore: $1, defaultTimestamp: now) },
                    merge: { try batch.merge($0) })
            }
        }
        router.post("/api/v1/import") { request, _ in
            try await ingest.handle(request) { batch, request in
                try await BodyBlocks(maxBytes: batch.limits.maxBodyBytes).read(request) { block, linesBefore in
                    var lineNumber = linesBefore
                    for line in block.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                        lineNumber += 1
                        guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
                        let series = try JSONLine(line, number: lineNumber)
                        for (timestamp, value) in zip(series.timestamps, series.values) {
                            try batch.add(series.labels, timestamp: timestamp, value: value, line: lineNumber)
                        }
                    }
                }
            }
        }
    }
}

/// One line of VictoriaMetrics's JSON import: `{"metric":{...},"values":[...],"timestamps":[...]}`.
struct JSONLine {
    var labels: Labels
    var values: [Double]
    var timestamps: [Timestamp]

    private struct Wire: Decodable {
        var metric: [String: String]
        var values: [WireValue]
        var timestamps: [Int64]
    }

    /// A number, or `"NaN"`, `"Inf"`, `"+Inf"`, `"-Inf"` written as a string, or null for NaN.
    private struct WireValue: Decodable {
        var value: Double
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = .nan
            } else if let number = try? container.decode(Double.self) {
                value = number
            } else {
                let text = try container.decode(String.self).lowercased()
                switch text {
                case "nan": value = .nan
                case "inf", "+inf": value = .infinity
                case "-inf": value = -.infinity
                default:
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not a number")
                }
            }
        }
    }

    init(_ bytes: ArraySlice<UInt8>, number: Int) throws(APIError) {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch DecodingError.keyNotFound(let key, _) {
            throw .badData("line \(number): missing \"\(key.stringValue)\"")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.dataCorrupted(let context) {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw .badData("line \(number): \(path.isEmpty ? "" : path + ": ")\(context.debugDescription)")
        } catch {
            throw .badData("line \(number): not a JSON import line: \(error)")
        }
        guard wire.values.count == wire.timestamps.count else {
            throw .badData("line \(number): \(wire.values.count) values but \(wire.timestamps.count) timestamps")
        }
        labels = Labels(wire.metric)
        values = wire.values.map(\.value)
        timestamps = wire.timestamps
    }
}
