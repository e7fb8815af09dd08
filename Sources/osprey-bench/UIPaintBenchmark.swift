import ArgumentParser
import Foundation
import Synchronization

/// Times the web UI drawing one time-series panel of 50 series × 1,000 points in Debian's
/// headless Chromium: from the query's answer arriving to the frame after the chart is drawn.
/// The page marks both moments in the console (`?paintLog=1`) and the browser stamps each
/// console line with the wall clock; the page's own clock cannot be used, as it stands still
/// under the virtual time budget that lets the page finish before its DOM is dumped. Grafana
/// is not packaged for Debian, so the figure is set against the target, not a peer's.
struct UIPaintBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui-paint",
        abstract: "First paint of a 50-series × 1,000-point panel in headless Chromium (target under 300 ms)."
    )

    @Option(help: "Page loads to time.")
    var runs = 5

    @Option(help: "Series in the panel.")
    var series = 50

    @Option(help: "Points per series.")
    var points = 1000

    static let targetMilliseconds = 300.0

    func run() async throws {
        guard let chromium = Peers.installed("chromium"), let curl = Peers.installed("curl") else {
            throw BenchError("chromium and curl are needed: apt-get install chromium curl")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-ui-paint-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder + "/dashboards", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let step: Int64 = 15_000
        let end = Int64(Date().timeIntervalSince1970) / 15 * 15_000
        let start = end - step * Int64(points - 1)
        try """
        {"uid": "paint", "title": "Paint", "time": {"from": "now-6h", "to": "now"},
         "panels": [{"id": 1, "type": "timeseries", "title": "\(series) series", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 12},
                     "targets": [{"expr": "paint_series", "legendFormat": "{{series}}", "refId": "A"}]}]}
        """.write(toFile: folder + "/dashboards/paint.json", atomically: true, encoding: .utf8)
        try "dashboards:\n  path: \(folder)/dashboards\n".write(toFile: folder + "/osprey.yml", atomically: true, encoding: .utf8)
        var lines = ""
        for index in 0..<series {
            for point in 0..<points {
                let value = sin(Double(point) / 40 + Double(index)) * 100 + Double(index * 10)
                lines += "paint_series{series=\"s\(index)\"} \(value) \(start + Int64(point) * step)\n"
            }
        }
        try lines.write(toFile: folder + "/series.prom", atomically: true, encoding: .utf8)

        let (server, base) = try Peers.launchOsprey(config: folder + "/osprey.yml", data: folder + "/data")
        defer { server.terminate() }
        let pushed = try Peers.run(
            curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@\(folder)/series.prom", base + "/api/v1/import/prometheus"])
        guard pushed.output == "204" else { throw BenchError("import answered \(pushed.output)") }
        try Peers.waitUntilAnswering(base + "/api/dashboards/uid/paint")

        // The range the points cover, so every point is in the answer (step = range / width).
        let url = base + "/dashboards/paint?from=\(start)&to=\(end)&paintLog=1"
        print("one panel, \(series) series × \(points) points, \(runs) page loads in headless Chromium")
        var times: [Double] = []
        for _ in 0..<runs {
            let profile = folder + "/profile-\(times.count)"
            let page = try Self.load(chromium, url, profile: profile)
            guard let started = Self.consoleTime(of: "osprey-paint-start 1", in: page.console),
                let done = Self.consoleTime(of: "osprey-paint-done 1", in: page.console)
            else {
                throw BenchError("the panel did not mark its paint in the console")
            }
            let milliseconds = (done - started) * 1000
            guard let drawn = page.dom.firstMatch(of: /data-series-count="([0-9]+)"/), Int(drawn.output.1) == series else {
                throw BenchError("the panel did not draw \(series) series")
            }
            times.append(milliseconds)
        }
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        print(String(format: "first paint: median %.1f ms, fastest %.1f ms, slowest %.1f ms", median, sorted.first ?? 0, sorted.last ?? 0))
        print(String(format: "target: under %.0f ms (median/target %.2f)", Self.targetMilliseconds, median / Self.targetMilliseconds))
    }

    /// The DOM after the page's scripts ran, and the console lines.
    private static func load(_ chromium: String, _ url: String, profile: String) throws -> (dom: String, console: [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--window-size=1600,1000",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000", "--dump-dom", url,
        ]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errors = Mutex(Data())
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errors.withLock { $0 = data }
            drained.signal()
        }
        let dom = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        drained.wait()
        let console = String(decoding: errors.withLock { $0 }, as: UTF8.self).split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(
            String.init)
        return (String(decoding: dom, as: UTF8.self), console)
    }

    /// Seconds within the hour of the console line holding `mark`: Chromium stamps each line
    /// `[pid:tid:MMDD/HHMMSS.micros:…]`.
    private static func consoleTime(of mark: String, in console: [String]) -> Double? {
        guard let line = console.first(where: { $0.contains(mark) }),
            let stamp = line.firstMatch(of: /\/(\d{2})(\d{2})(\d{2})\.(\d{6}):/),
            let hours = Double(stamp.output.1), let minutes = Double(stamp.output.2), let seconds = Double(stamp.output.3),
            let micros = Double(stamp.output.4)
        else { return nil }
        return hours * 3600 + minutes * 60 + seconds + micros / 1e6
    }
}
