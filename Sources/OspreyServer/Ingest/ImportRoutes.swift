import Foundation
import Hummingbird
import OspreyConfig
import OspreyFormats
import OspreyIngest
import OspreyModel

/// The push endpoints: VictoriaMetrics's `/api/v1/import/prometheus` (text format) and
/// `/api/v1/import` (JSON lines), behind auth and the ingest bulkhead.
struct ImportRoutes<Context: RequestContext> {
    let ingest: IngestGate

    func register(on router: Router<Context>) {
        router.post("/api/v1/import/prometheus") { request, _ in
            try await ingest.handle(request) { batch, request in
                let now = SystemClock().now()
                try await BodyBlocks(for: batch).read(
                    request, transform: { try ParsedBlock($0, linesBefore: $1, defaultTimestamp: now) },
                    merge: { try batch.merge($0) })
            }
        }
        router.post("/api/v1/import") { request, _ in
            try await ingest.handle(request) { batch, request in
                try await BodyBlocks(for: batch).read(request) { block, linesBefore in
                    var lineNumber = linesBefore
                    for line in block.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                        lineNumber += 1
                        guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
                        let series: JSONImportLine
                        do throws(JSONImportError) {
                            series = try JSONImportLine(line, number: lineNumber)
                        } catch {
                            throw APIError.badData(error.description)
                        }
                        for (timestamp, value) in zip(series.timestamps, series.values) {
                            try batch.add(series.labels, timestamp: timestamp, value: value, line: lineNumber)
                        }
                    }
                }
            }
        }
    }
}
