import ArgumentParser
import Foundation
import OspreyFormats
import OspreyModel
import OspreyStorage

/// Appends an exposition file through the storage's Appender, flushes, and prints append rate,
/// bytes per sample on disk, peak memory and the median of random range selects.
struct StorageBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Store a yardstick file (gen.py --hosts 10 --hours 4) and print samples/s, bytes/sample, peak RSS, select median."
    )

    @Argument(help: "File in Prometheus text format with timestamps.")
    var file: String

    @Option(help: "Samples per commit.")
    var batch = 50_000

    @Option(help: "Random range selects to time.")
    var selects = 1000

    @Option(help: "Data folder to use (emptied first); a temporary one by default.")
    var data: String?

    func run() throws {
        guard let contents = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let bytes = [UInt8](contents)
        let folder = data ?? FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-storage").path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }

        let storage = try MetricsStorage(path: folder)
        var parser = ExpositionParser(bytes: bytes, format: .text)
        var refs: [RawSeriesKey: SeriesRef] = [:]
        var appender = storage.appender()
        var pending = 0
        var samples = 0
        var minTime = Timestamp.max
        var maxTime = Timestamp.min
        let start = ContinuousClock.now
        while let entry = try parser.next() {
            guard case .sample(let sample) = entry, let timestamp = sample.timestamp else { continue }
            let key = RawSeriesKey(sample.series)
            if let ref = refs[key] {
                try appender.append(ref, timestamp: timestamp, value: sample.value)
            } else {
                refs[key] = try appender.append(sample.labels, timestamp: timestamp, value: sample.value)
            }
            minTime = min(minTime, timestamp)
            maxTime = max(maxTime, timestamp)
            samples += 1
            pending += 1
            if pending == batch {
                try appender.commit()
                pending = 0
            }
        }
        try appender.commit()
        let appended = ContinuousClock.now - start
        try storage.checkpoint()
        let flushed = ContinuousClock.now - start
        try storage.compactColdShards(now: .max)
        let compacted = ContinuousClock.now - start

        let diskBytes = Self.folderSize(folder)
        print("file: \(file), \(samples) samples, \(refs.count) series")
        print(String(format: "append (parse + Appender + commit to WAL and head): %.2f s = %.2f M samples/s", appended.seconds, Double(samples) / appended.seconds / 1e6))
        print(String(format: "with flush to shards: %.2f s = %.2f M samples/s; with cold recompression: %.2f s", flushed.seconds, Double(samples) / flushed.seconds / 1e6, compacted.seconds))
        print(String(format: "on disk: %d bytes = %.3f bytes/sample (every file of the data folder)", diskBytes, Double(diskBytes) / Double(samples)))
        print("peak RSS: \(Self.peakResidentMegabytes()) MB")

        var generator = SystemRandomNumberGenerator()
        let series = Array(refs.keys)
        var latencies: [Double] = []
        var returned = 0
        for _ in 0..<selects {
            let key = series[Int.random(in: 0..<series.count, using: &generator)]
            var keyParser = ExpositionParser(bytes: Array(key.bytes) + Array(" 0\n".utf8), format: .text)
            guard case .sample(let parsed)? = try keyParser.next() else { continue }
            let matchers = [LabelMatcher.equal(Labels.metricName, parsed.name)]
                + parsed.labels.filter { $0.name == "instance" }.map { LabelMatcher.equal($0.name, $0.value) }
            let from = Timestamp.random(in: minTime...maxTime, using: &generator)
            let to = min(maxTime, from + Timestamp.random(in: 300_000...3_600_000, using: &generator))
            let began = ContinuousClock.now
            let result = try storage.querier(minTime: from, maxTime: to).select(matchers)
            latencies.append((ContinuousClock.now - began).seconds)
            returned += result.reduce(0) { $0 + $1.samples.count }
        }
        latencies.sort()
        if !latencies.isEmpty {
            print(String(format: "%d random range selects (name + instance, 5 min to 1 h): median %.3f ms, p99 %.3f ms, %d samples returned", latencies.count, latencies[latencies.count / 2] * 1000, latencies[latencies.count * 99 / 100] * 1000, returned))
        }
        try storage.close()
    }

    static func folderSize(_ path: String) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        for case let relative as String in walker {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + relative)
            if attributes?[.type] as? FileAttributeType == .typeRegular, let size = attributes?[.size] as? NSNumber {
                total += size.int64Value
            }
        }
        return total
    }

    /// VmHWM from /proc: the most resident memory the process has had.
    static func peakResidentMegabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return -1 }
        return kilobytes / 1024
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
