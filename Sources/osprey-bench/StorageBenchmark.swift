import ArgumentParser
import Foundation
import OspreyFormats
import OspreyModel
import OspreyStorage
import OspreyTSDB

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

    @Option(help: "The same data in OpenMetrics (gen.py --format openmetrics), for Prometheus's promtool backfill.")
    var openmetrics: String?

    @Flag(help: "Skip the side-by-side runs of VictoriaMetrics and Prometheus.")
    var noPeers = false

    func run() throws {
        guard let input = FileHandle(forReadingAtPath: file) else { throw ValidationError("cannot read \(file)") }
        let folder = data ?? FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-storage").path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }

        let storage = try MetricsStorage(path: folder)
        var series = SeriesKeyTable()
        var refs: [SeriesRef?] = []
        var appender = storage.appender()
        var samples = 0
        var minTime = Timestamp.max
        var maxTime = Timestamp.min
        var appending = Duration.zero
        let recentFrom = storage.clock.now() - storage.options.recompressAfter.milliseconds
        var recent = 0
        // The file is read and parsed a block at a time, untimed; only the Appender is timed, so
        // the figure is the storage's and memory holds one block, not the whole file.
        let wallStart = ContinuousClock.now
        var carry: [UInt8] = []
        var batchRefs: [SeriesRef] = []
        var batchTimes: [Timestamp] = []
        var batchValues: [Double] = []
        while true {
            let chunk = input.readData(ofLength: 32 << 20)
            var block = carry
            block.append(contentsOf: chunk)
            guard !block.isEmpty else { break }
            let cut = chunk.isEmpty ? block.count : (block.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0)
            carry = Array(block[cut...])
            block.removeSubrange(cut...)
            var parser = ExpositionParser(bytes: block, format: .text)
            while let numbered = try parser.nextSample(numbering: &series) {
                if numbered.isNew { refs.append(nil) }
                let sample = numbered.sample
                guard let timestamp = sample.timestamp else { continue }
                let ref: SeriesRef
                if let known = refs[Int(numbered.series)] {
                    ref = known
                } else {
                    let labels = try ExpositionParser.labels(ofSeries: block[sample.series], format: .text)
                    let began = ContinuousClock.now
                    ref = try appender.append(labels, timestamp: timestamp, value: sample.value)
                    appending += ContinuousClock.now - began
                    refs[Int(numbered.series)] = ref
                    samples += 1
                    continue
                }
                batchRefs.append(ref)
                batchTimes.append(timestamp)
                batchValues.append(sample.value)
                minTime = min(minTime, timestamp)
                maxTime = max(maxTime, timestamp)
                if timestamp >= recentFrom { recent += 1 }
            }
            let began = ContinuousClock.now
            for index in batchRefs.indices {
                try appender.append(batchRefs[index], timestamp: batchTimes[index], value: batchValues[index])
                if (index + 1) % batch == 0 { try appender.commit() }
            }
            try appender.commit()
            appending += ContinuousClock.now - began
            samples += batchRefs.count
            batchRefs.removeAll(keepingCapacity: true)
            batchTimes.removeAll(keepingCapacity: true)
            batchValues.removeAll(keepingCapacity: true)
            if chunk.isEmpty { break }
        }
        let wall = ContinuousClock.now - wallStart
        // A graceful stop, as a server's: the head goes to the shards and everything is
        // recompressed (a running server recompresses what is over an hour old).
        let began = ContinuousClock.now
        try storage.close()
        let closing = ContinuousClock.now - began
        let diskBytes = Peers.folderSize(folder)
        // Selects run on the storage opened again, as after a restart.
        let reopened = try MetricsStorage(path: folder)
        print("file: \(file), \(samples) samples, \(series.count) series")
        print(
            String(
                format: "append through the Appender (commits of %d to WAL and head): %.2f s = %.2f M samples/s", batch, appending.seconds,
                Double(samples) / appending.seconds / 1e6))
        print(String(format: "read + parse + append, as an import is: %.2f s = %.2f M samples/s", wall.seconds, Double(samples) / wall.seconds / 1e6))
        print(String(format: "graceful stop (head to shards, recompression): %.2f s", closing.seconds))
        print(
            String(
                format:
                    "on disk after the stop: %d bytes = %.3f bytes/sample (every file of the data folder); %.0f%% of the samples are under an hour old",
                diskBytes, Double(diskBytes) / Double(samples), Double(recent) / Double(samples) * 100))
        print("peak RSS: \(Self.peakResidentMegabytes()) MB")

        var generator = SystemRandomNumberGenerator()
        var latencies: [Double] = []
        var returned = 0
        for _ in 0..<selects {
            let key = series.key(Int.random(in: 0..<series.count, using: &generator))
            var keyParser = ExpositionParser(bytes: Array(key) + Array(" 0\n".utf8), format: .text)
            guard case .sample(let parsed)? = try keyParser.next() else { continue }
            let matchers =
                [LabelMatcher.equal(Labels.metricName, parsed.name)]
                + parsed.labels.filter { $0.name == "instance" }.map { LabelMatcher.equal($0.name, $0.value) }
            let from = Timestamp.random(in: minTime...maxTime, using: &generator)
            let to = min(maxTime, from + Timestamp.random(in: 300_000...3_600_000, using: &generator))
            let began = ContinuousClock.now
            let result = try reopened.querier(minTime: from, maxTime: to).select(matchers)
            latencies.append((ContinuousClock.now - began).seconds)
            returned += result.reduce(0) { $0 + $1.samples.count }
        }
        latencies.sort()
        if !latencies.isEmpty {
            print(
                String(
                    format: "%d random range selects (name + instance, 5 min to 1 h): median %.3f ms, p99 %.3f ms, %d samples returned",
                    latencies.count, latencies[latencies.count / 2] * 1000, latencies[latencies.count * 99 / 100] * 1000, returned))
        }
        try reopened.close()

        guard !noPeers else { return }
        let ospreyBytesPerSample = Double(diskBytes) / Double(samples)
        // Peers are timed from the file's bytes, so Osprey's rate here includes reading and parsing.
        let ospreyRate = Double(samples) / wall.seconds
        if let victoriaMetrics = Peers.installed("victoria-metrics"), let curl = Peers.installed("curl") {
            let peer = try Peers.victoriaMetricsImport(file: file, victoriaMetrics: victoriaMetrics, curl: curl)
            print(
                String(
                    format: "victoria-metrics HTTP import (parse included): %.2f s = %.2f M samples/s, %.3f bytes/sample on disk", peer.seconds,
                    Double(samples) / peer.seconds / 1e6, Double(peer.bytes) / Double(samples)))
            print(
                String(
                    format: "ratio Osprey/VictoriaMetrics: %.2fx the ingest rate, %.2fx the bytes/sample",
                    ospreyRate / (Double(samples) / peer.seconds), ospreyBytesPerSample / (Double(peer.bytes) / Double(samples))))
        } else {
            print("victoria-metrics not installed: no side-by-side figure (apt-get install victoria-metrics)")
        }
        if let openmetrics, let promtool = Peers.installed("promtool") {
            let peer = try Peers.promtoolBackfill(openmetrics: openmetrics, promtool: promtool)
            print(
                String(
                    format: "promtool tsdb create-blocks-from openmetrics (parse included): %.2f s = %.2f M samples/s, %.3f bytes/sample on disk",
                    peer.seconds, Double(samples) / peer.seconds / 1e6, Double(peer.bytes) / Double(samples)))
            print(
                String(
                    format: "ratio Osprey/Prometheus: %.2fx the ingest rate, %.2fx the bytes/sample", ospreyRate / (Double(samples) / peer.seconds),
                    ospreyBytesPerSample / (Double(peer.bytes) / Double(samples))))
        } else if openmetrics == nil {
            print("no --openmetrics file: no Prometheus figure (gen.py --format openmetrics, apt-get install prometheus)")
        }
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
