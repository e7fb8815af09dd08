import ArgumentParser
import Foundation
import OspreyFormats
import OspreyModel

/// Parses an exposition file in memory, on one core, and prints samples per second.
struct ParseBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse an exposition file (e.g. gen.py --hosts 10 --hours 1) and print samples/s."
    )

    @Argument(help: "File in Prometheus text format (or OpenMetrics with --openmetrics).")
    var file: String

    @Flag(help: "The file is OpenMetrics 1.0.")
    var openmetrics = false

    @Option(help: "Timed passes over the file; the best one is reported.")
    var passes = 5

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let bytes = [UInt8](data)
        let format: ExpositionFormat = openmetrics ? .openMetrics : .text
        print("file: \(file), \(bytes.count) bytes")

        var samples = 0
        let scan = try best(of: passes) {
            samples = try Self.parse(bytes, format: format, materializeNewSeries: false).samples
        }
        print(Self.line("parse (validate every line, series as bytes)", samples: samples, seconds: scan))

        var series = 0
        let importing = try best(of: passes) {
            let counts = try Self.parse(bytes, format: format, materializeNewSeries: true)
            samples = counts.samples
            series = counts.series
        }
        print(
            Self.line(
                "parse as an import does: series numbered by their bytes, labels built once per series (\(series) series)", samples: samples,
                seconds: importing))

        guard !openmetrics else { return }
        guard let victoriaMetrics = Peers.installed("victoria-metrics"), let curl = Peers.installed("curl") else {
            print("victoria-metrics or curl not installed: no side-by-side figure (apt-get install victoria-metrics curl)")
            return
        }
        let peer = try Peers.victoriaMetricsImport(file: file, victoriaMetrics: victoriaMetrics, curl: curl).seconds
        print(Self.line("victoria-metrics HTTP import, parse and storage, both cores", samples: samples, seconds: peer))
        print(String(format: "ratio: Osprey's parse is %.1fx VictoriaMetrics' import rate (for scale, not like for like)", peer / scan))
    }

    /// Every line parsed into entries; or, with `materializeNewSeries`, what an importer does:
    /// samples numbered by their series' bytes, labels built only for new ones.
    static func parse(
        _ bytes: [UInt8], format: ExpositionFormat, materializeNewSeries: Bool
    ) throws -> (samples: Int, series: Int) {
        var parser = ExpositionParser(bytes: bytes, format: format)
        var samples = 0
        var checksum = 0.0
        var labels: [Labels] = []
        if materializeNewSeries {
            var known = SeriesKeyTable()
            while let numbered = try parser.nextSample(numbering: &known) {
                samples += 1
                checksum += numbered.sample.value.isFinite ? numbered.sample.value : 0
                if numbered.isNew {
                    labels.append(try ExpositionParser.labels(ofSeries: bytes[numbered.sample.series], format: format))
                }
            }
        } else {
            while let entry = try parser.next() {
                guard case .sample(let sample) = entry else { continue }
                samples += 1
                checksum += sample.value.isFinite ? sample.value : 0
            }
        }
        precondition(checksum.isFinite || !checksum.isFinite)  // keeps the values observed
        return (samples, labels.count)
    }

    private func best(of passes: Int, _ body: () throws -> Void) throws -> Double {
        var fastest = Double.infinity
        for _ in 0..<max(passes, 1) {
            let start = ContinuousClock.now
            try body()
            let elapsed = ContinuousClock.now - start
            fastest = min(fastest, elapsed.seconds)
        }
        return fastest
    }

    private static func line(_ label: String, samples: Int, seconds: Double) -> String {
        let rate = Double(samples) / seconds / 1e6
        return "\(label): \(samples) samples in \(String(format: "%.3f", seconds)) s = \(String(format: "%.2f", rate)) M samples/s"
    }
}
