import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Serves a real node_exporter page with changing values on many paths, has an `osprey server`
/// process and a Prometheus process scrape all of them at once, and prints the CPU seconds each
/// spent per million samples scraped.
struct ScrapeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrape",
        abstract: "Scrape many node_exporter-like targets with Osprey and Prometheus; CPU seconds per million samples."
    )

    @Option(help: "A /metrics page to serve (a real node_exporter's output).")
    var fixture = "Tests/OspreyFormatsTests/Fixtures/node_exporter.prom"

    @Option(help: "Targets to serve (one path each).")
    var targets = 200

    @Option(help: "Seconds to measure, after a warm-up of one interval.")
    var seconds = 60

    @Option(help: "Scrape interval in seconds.")
    var interval = 1

    @Flag(help: "Run Osprey alone.")
    var noPeers = false

    func run() async throws {
        guard let page = FileManager.default.contents(atPath: fixture) else { throw BenchError("cannot read \(fixture)") }
        let template = TargetPage(String(decoding: page, as: UTF8.self))
        let served = ScrapeCounter()
        let (targetPort, targetTask) = try await Self.serveTargets(template, count: targets, counter: served)
        defer { targetTask.cancel() }
        let config = scrapeConfig(port: targetPort)
        print("\(targets) targets of \(template.sampleCount) samples each (\(fixture)), scraped every \(interval) s for \(seconds) s")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-scrape-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try config.write(toFile: folder + "/scrape.yml", atomically: true, encoding: .utf8)

        var systems: [(name: String, agent: String, process: Process)] = []
        defer {
            for system in systems where system.process.isRunning {
                system.process.interrupt()
                system.process.waitUntilExit()
            }
        }
        systems.append(("Osprey", "Osprey", try Peers.launchOsprey(config: folder + "/scrape.yml", data: folder + "/osprey").0))
        if noPeers {
            print("side-by-side run skipped (--no-peers)")
        } else if let prometheus = Peers.installed("prometheus") {
            systems.append(
                ("Prometheus", "Prometheus", try Peers.launchPrometheus(prometheus, config: folder + "/scrape.yml", data: folder + "/prometheus").0))
        } else {
            print("prometheus not installed: no side-by-side figure (apt-get install prometheus)")
        }

        try await Task.sleep(for: .seconds(interval + 2))
        let startCPU = try systems.map { try Self.cpuSeconds(of: $0.process.processIdentifier) }
        let startServed = systems.map { served.count(for: $0.agent) }
        try await Task.sleep(for: .seconds(seconds))
        let endCPU = try systems.map { try Self.cpuSeconds(of: $0.process.processIdentifier) }
        let endServed = systems.map { served.count(for: $0.agent) }

        var perMillion: [Double] = []
        for (index, system) in systems.enumerated() {
            let cpu = endCPU[index] - startCPU[index]
            let samples = Double((endServed[index] - startServed[index]) * template.sampleCount)
            perMillion.append(cpu / samples * 1e6)
            print(
                String(
                    format: "%@: %.2f CPU s for %.2f M samples scraped = %.2f CPU s per million samples (%d scrapes)",
                    system.name, cpu, samples / 1e6, cpu / samples * 1e6, endServed[index] - startServed[index]))
        }
        if perMillion.count == 2 {
            print(String(format: "ratio Osprey/Prometheus CPU per sample: %.2f", perMillion[0] / perMillion[1]))
        }
    }

    /// Every target on one port, told apart by path and a `target` label (so their series differ).
    private func scrapeConfig(port: Int) -> String {
        var lines = [
            "global:", "  scrape_interval: \(interval)s", "  scrape_timeout: \(interval)s", "scrape_configs:",
            "  - job_name: node", "    static_configs:",
        ]
        for target in 0..<targets {
            lines += [
                "      - targets: [\"127.0.0.1:\(port)\"]",
                "        labels: {__metrics_path__: /target/\(target)/metrics, target: \"\(target)\"}",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func serveTargets(
        _ page: TargetPage, count: Int, counter: ScrapeCounter
    ) async throws -> (Int, Task<Void, any Error>) {
        let router = Router()
        router.get("/target/:target/metrics") { request, context -> Response in
            let target = context.parameters.get("target", as: Int.self) ?? 0
            let agent = request.headers[.userAgent] ?? ""
            let round = counter.served(target: target, agent: agent)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: page.render(round: round))))
        }
        return try await LocalHTTPServer.start(router, name: "target server")
    }

    /// User plus system CPU time of a process, from /proc/PID/stat.
    static func cpuSeconds(of pid: Int32) throws -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { throw BenchError("cannot read /proc/\(pid)/stat") }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchError("unexpected /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// A /metrics page whose sample values move with each scrape, as a live exporter's do.
struct TargetPage: Sendable {
    /// Each line's text up to its value (with the separating space), and the value; comments
    /// have no value.
    private let lines: [(prefix: [UInt8], value: Double?)]
    let sampleCount: Int

    init(_ text: String) {
        lines = text.split(separator: "\n").map { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
            else { return (Array(line.utf8) + [0x0A], nil) }
            return (Array(line[...space].utf8), value)
        }
        sampleCount = lines.filter { $0.value != nil }.count
    }

    func render(round: Int) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(lines.count * 80)
        for line in lines {
            body += line.prefix
            if let value = line.value {
                body += Array(String(value + Double(round)).utf8)
                body.append(0x0A)
            }
        }
        return body
    }
}

/// Scrapes served, per target and per scraper (told apart by User-Agent).
final class ScrapeCounter: Sendable {
    private let state = Mutex<(rounds: [Int: Int], byAgent: [String: Int])>(([:], [:]))

    /// Counts a scrape; returns how many the target has served, for its values.
    func served(target: Int, agent: String) -> Int {
        let name = agent.hasPrefix("Prometheus") ? "Prometheus" : agent.hasPrefix("Osprey") ? "Osprey" : agent
        return state.withLock { state in
            state.byAgent[name, default: 0] += 1
            state.rounds[target, default: 0] += 1
            return state.rounds[target, default: 0]
        }
    }

    func count(for agent: String) -> Int {
        state.withLock { $0.byAgent[agent] ?? 0 }
    }
}
