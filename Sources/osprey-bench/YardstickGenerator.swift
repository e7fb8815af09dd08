import Foundation

/// Runs the yardstick generator (`gen.py`) for data that ends about now, for systems that
/// evaluate at the wall clock.
enum YardstickGenerator {
    struct Files {
        /// Prometheus text format with millisecond timestamps, for Osprey's import.
        let text: String
        /// The same samples in OpenMetrics, for promtool's backfill.
        let openMetrics: String
        /// What gen.py said of the data (series, steps, samples, start).
        let summary: String
    }

    /// Writes both formats into `folder` at once (one process each); the last samples fall within
    /// a scrape interval (15 s) before the moment this is called.
    static func generateEndingNow(gen: String, hosts: Int, hours: Double, into folder: String) throws -> Files {
        guard let python = Peers.installed("python3") else { throw BenchError("python3 is needed to run \(gen)") }
        guard FileManager.default.fileExists(atPath: gen) else { throw BenchError("no yardstick generator at \(gen)") }
        let start = Int(Date().timeIntervalSince1970) - Int(hours * 3600)
        let files = Files(text: folder + "/yardstick.prom", openMetrics: folder + "/yardstick.om", summary: "")
        let runs = try [(files.text, "prom"), (files.openMetrics, "openmetrics")].map { path, format in
            guard FileManager.default.createFile(atPath: path, contents: nil), let output = FileHandle(forWritingAtPath: path) else {
                throw BenchError("cannot write \(path)")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [gen, "--hosts", "\(hosts)", "--hours", "\(hours)", "--start", "\(start)", "--format", format]
            process.standardOutput = output
            let messages = Pipe()
            process.standardError = messages
            try process.run()
            return (process, output, messages)
        }
        var summary = ""
        for (process, output, messages) in runs {
            let said = String(decoding: messages.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            try output.close()
            guard process.terminationStatus == 0 else { throw BenchError("\(gen) failed: \(said)") }
            summary = said.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return Files(text: files.text, openMetrics: files.openMetrics, summary: summary)
    }
}
