import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import OspreyModel
import Synchronization

/// Times how long an alert takes from the sample that makes its condition true to the webhook
/// request that reports it: Osprey (the sample pushed) against Prometheus with Alertmanager (the
/// sample scraped), both evaluating every second and sending with `group_wait: 0s`.
struct AlertLatencyBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alert-latency",
        abstract: "Sample in to webhook out: Osprey against Prometheus + Alertmanager, 1 s evaluation, group_wait 0s."
    )

    @Option(help: "Alerts raised per system.")
    var rounds = 20

    @Flag(help: "Run Osprey alone.")
    var noPeers = false

    static let rules = """
        groups:
          - name: latency
            rules:
              - alert: LatencyProbe
                expr: latency_probe > 0
        """

    func run() async throws {
        let webhooks = try await WebhookArrivals.start()
        defer { webhooks.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-alert-latency-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.rules.write(toFile: folder + "/rules.yml", atomically: true, encoding: .utf8)
        print("\(rounds) alerts per system; evaluation every 1 s; route group_by ['...'], group_wait 0s")

        let osprey = try measureOsprey(folder: folder, webhooks: webhooks)
        report("Osprey (push to webhook)", osprey)
        guard !noPeers else {
            print("side-by-side run skipped (--no-peers)")
            return
        }
        guard let prometheus = Peers.installed("prometheus"), let alertmanager = Peers.installed("prometheus-alertmanager") else {
            print("prometheus or prometheus-alertmanager not installed: no side-by-side figure")
            return
        }
        let peer = try await measurePrometheus(prometheus, alertmanager, folder: folder, webhooks: webhooks)
        report("Prometheus + Alertmanager (scrape to webhook)", peer)
        print(String(format: "median ratio Osprey/Prometheus+Alertmanager: %.2f", Self.median(osprey) / Self.median(peer)))
    }

    /// Pushes each round's sample to Osprey and waits for its webhook.
    private func measureOsprey(folder: String, webhooks: WebhookArrivals) throws -> [Double] {
        let config = """
            global:
              evaluation_interval: 1s
            rule_files: [\(folder)/rules.yml]
            alerting:
              route:
                receiver: bench
                group_by: ['...']
                group_wait: 0s
              receivers:
                - name: bench
                  webhook_configs:
                    - url: http://127.0.0.1:\(webhooks.port)/hook/osprey
            """
        try config.write(toFile: folder + "/osprey.yml", atomically: true, encoding: .utf8)
        let (process, base) = try Peers.launchOsprey(config: folder + "/osprey.yml", data: folder + "/osprey")
        defer {
            process.interrupt()
            process.waitUntilExit()
        }
        var generator = SplitMix(seed: 1)
        var latencies: [Double] = []
        for round in 0..<rounds {
            // Rounds start at random points of the evaluation interval, as real samples arrive.
            Thread.sleep(forTimeInterval: Double(generator.next() % 1000) / 1000)
            let start = ContinuousClock.now
            let push = try Peers.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "latency_probe{round=\"\(round)\"} 1",
                    base + "/api/v1/import/prometheus",
                ])
            guard push.output == "204" else { throw BenchError("Osprey answered \(push.output) to the push") }
            let arrival = try webhooks.wait(for: "osprey", round: round)
            latencies.append((arrival - start).seconds)
        }
        return latencies
    }

    /// Exposes each round's sample on a target Prometheus scrapes every second, and times from
    /// the scrape that first took it to the webhook from Alertmanager.
    private func measurePrometheus(_ prometheus: String, _ alertmanager: String, folder: String, webhooks: WebhookArrivals) async throws -> [Double] {
        let target = try await ProbeTarget.start()
        defer { target.stop() }
        let alertmanagerPort = try Peers.freePort()
        try """
        route:
          receiver: bench
          group_by: ['...']
          group_wait: 0s
        receivers:
          - name: bench
            webhook_configs:
              - url: http://127.0.0.1:\(webhooks.port)/hook/prometheus
        """.write(toFile: folder + "/alertmanager.yml", atomically: true, encoding: .utf8)
        let am = Process()
        am.executableURL = URL(fileURLWithPath: alertmanager)
        am.arguments = [
            "--config.file=\(folder)/alertmanager.yml", "--storage.path=\(folder)/alertmanager",
            "--web.listen-address=127.0.0.1:\(alertmanagerPort)", "--cluster.listen-address=", "--log.level=error",
        ]
        am.standardOutput = FileHandle.nullDevice
        am.standardError = FileHandle.nullDevice
        try am.run()
        defer {
            am.interrupt()
            am.waitUntilExit()
        }
        try Peers.waitUntilAnswering("http://127.0.0.1:\(alertmanagerPort)/-/ready")
        try """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files: [\(folder)/rules.yml]
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ["127.0.0.1:\(alertmanagerPort)"]
        scrape_configs:
          - job_name: probe
            static_configs:
              - targets: ["127.0.0.1:\(target.port)"]
        """.write(toFile: folder + "/prometheus.yml", atomically: true, encoding: .utf8)
        let (process, _) = try Peers.launchPrometheus(prometheus, config: folder + "/prometheus.yml", data: folder + "/prometheus")
        defer {
            process.interrupt()
            process.waitUntilExit()
        }
        var latencies: [Double] = []
        for round in 0..<rounds {
            target.expose(round: round)
            let arrival = try webhooks.wait(for: "prometheus", round: round)
            guard let scraped = target.firstScrape(of: round) else { throw BenchError("round \(round) alerted but was never scraped") }
            latencies.append((arrival - scraped).seconds)
        }
        return latencies
    }

    private func report(_ name: String, _ latencies: [Double]) {
        let sorted = latencies.sorted()
        print(
            String(
                format: "%@: min %.3f s, median %.3f s, p90 %.3f s, max %.3f s (target: under 1.5 s)",
                name, sorted.first ?? 0, Self.median(sorted), sorted[min(sorted.count - 1, sorted.count * 9 / 10)], sorted.last ?? 0))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}

/// When each round's firing webhook arrived, by sender.
final class WebhookArrivals: Sendable {
    let port: Int
    private let arrivals: Locked<[String: ContinuousClock.Instant]>
    private let task: Task<Void, any Error>

    private init(port: Int, arrivals: Locked<[String: ContinuousClock.Instant]>, task: Task<Void, any Error>) {
        self.port = port
        self.arrivals = arrivals
        self.task = task
    }

    static func start() async throws -> WebhookArrivals {
        let arrivals = Locked<[String: ContinuousClock.Instant]>([:])
        let router = Router()
        router.post("/hook/:sender") { request, context -> Response in
            let now = ContinuousClock.now
            let sender = context.parameters.get("sender") ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            let payload = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
            for alert in payload?["alerts"] as? [[String: Any]] ?? [] where alert["status"] as? String == "firing" {
                guard let round = (alert["labels"] as? [String: String])?["round"] else { continue }
                arrivals.withLock { if $0["\(sender)/\(round)"] == nil { $0["\(sender)/\(round)"] = now } }
            }
            return Response(status: .ok)
        }
        let (port, task) = try await LocalHTTPServer.start(router, name: "webhook receiver")
        return WebhookArrivals(port: port, arrivals: arrivals, task: task)
    }

    /// Waits (up to 30 s) for the webhook of `round` from `sender`.
    func wait(for sender: String, round: Int) throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let arrival = arrivals.withLock({ $0["\(sender)/\(round)"] }) { return arrival }
            Thread.sleep(forTimeInterval: 0.001)
        }
        throw BenchError("no webhook from \(sender) for round \(round) within 30 s")
    }

    func stop() { task.cancel() }
}

/// A scrape target exposing `latency_probe{round="N"} 1` for every round so far, and noting the
/// first scrape that served each round.
final class ProbeTarget: Sendable {
    let port: Int
    private let state: Locked<(rounds: Int, firstScrape: [Int: ContinuousClock.Instant])>
    private let task: Task<Void, any Error>

    private init(port: Int, state: Locked<(rounds: Int, firstScrape: [Int: ContinuousClock.Instant])>, task: Task<Void, any Error>) {
        self.port = port
        self.state = state
        self.task = task
    }

    static func start() async throws -> ProbeTarget {
        let state = Locked<(rounds: Int, firstScrape: [Int: ContinuousClock.Instant])>((0, [:]))
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            let now = ContinuousClock.now
            let rounds = state.withLock { state in
                for round in 0..<state.rounds where state.firstScrape[round] == nil { state.firstScrape[round] = now }
                return state.rounds
            }
            let page = (0..<rounds).map { "latency_probe{round=\"\($0)\"} 1\n" }.joined()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
        let (port, task) = try await LocalHTTPServer.start(router, name: "probe target")
        return ProbeTarget(port: port, state: state, task: task)
    }

    func expose(round: Int) { state.withLock { $0.rounds = round + 1 } }
    func firstScrape(of round: Int) -> ContinuousClock.Instant? { state.withLock { $0.firstScrape[round] } }
    func stop() { task.cancel() }
}

/// A small seeded generator, so every run spreads its rounds the same way.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Shared state of a handler and its owner.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
}
