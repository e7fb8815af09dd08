import Foundation
import OspreyGoCompat
import OspreyModel
import OspreyRules
import Synchronization

/// Prometheus's query log: with `global.query_log_file` set, every instant and range query of
/// the API is appended to that file as one JSON line in Prometheus's shape
/// (`{"params":{"end":…,"query":…,"start":…,"step":…},"stats":{"timings":{"evalTotalTime":…}},"ts":…}`),
/// so a user sees what dashboards and scripts ask. Reopened when a reload changes the path.
final class QueryLog: Sendable {
    private struct Open {
        var path: String
        var handle: FileHandle
    }

    private let file = Mutex<Open?>(nil)

    /// Logs one query; `step` is 0 for an instant query, whose start and end are its time.
    func record(to path: String?, query: String, start: Timestamp, end: Timestamp, step: Int64, took: Duration) {
        guard let path else { return }
        let line: [String: Any] = [
            "params": [
                "query": query, "start": Self.time(start), "end": Self.time(end), "step": Double(step) / 1000,
            ] as [String: Any],
            "stats": ["timings": ["evalTotalTime": took.seconds]],
            "ts": Date().rfc3339Millis,
        ]
        guard var data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(UInt8(ascii: "\n"))
        file.withLock { open in
            if open?.path != path {
                try? open?.handle.close()
                open = nil
                if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
                guard let handle = FileHandle(forWritingAtPath: path) else { return }
                open = Open(path: path, handle: handle)
            }
            guard let handle = open?.handle else { return }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: data)
        }
    }

    /// From the milliseconds themselves: a query may ask for any time up to 292 million years
    /// away, whose microseconds (what a `Date` is printed from) overflow 64 bits.
    private static func time(_ timestamp: Timestamp) -> String {
        GoTime.rfc3339Millis(milliseconds: timestamp)
    }
}
