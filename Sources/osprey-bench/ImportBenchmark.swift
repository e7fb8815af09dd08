import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import OspreyModel
import OspreyServer

/// Imports a file over HTTP into a real Osprey server with one curl call, checks every sample
/// is queryable, does the same with VictoriaMetrics, then measures many small concurrent pushes.
struct ImportBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a yardstick file over HTTP (curl --data-binary) beside VictoriaMetrics; then small pushes."
    )

    @Argument(help: "File in Prometheus text format with timestamps.")
    var file: String

    @Option(help: "Small pushes to send for the requests/s figure.")
    var pushes = 4000

    @Option(help: "Concurrent clients sending the small pushes.")
    var clients = 8

    @Flag(help: "Skip the side-by-side run of VictoriaMetrics.")
    var noPeers = false

    func run() async throws {
        guard let curl = Peers.installed("curl") else { throw BenchError("curl is needed: apt-get install curl") }
        let osprey = try await LocalOsprey.start("import")
        let base = osprey.base

        let start = ContinuousClock.now
        let pushed = try Peers.run(
            curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@" + file, base + "/api/v1/import/prometheus"])
        let wall = (ContinuousClock.now - start).seconds
        guard pushed.output == "204" else { throw BenchError("Osprey answered \(pushed.output) to the import") }
        guard let storage = osprey.started.storage() else { throw BenchError("storage is not open") }
        let stored = try storage.querier(minTime: .min, maxTime: .max).select([try LabelMatcher(.regex, "__name__", ".+")])
        let samples = stored.reduce(0) { $0 + $1.samples.count }
        print("file: \(file)")
        print(
            String(
                format: "Osprey import over HTTP (one curl --data-binary): %.2f s = %.2f M samples/s; queryable afterwards: %d samples in %d series",
                wall, Double(samples) / wall / 1e6, samples, stored.count))

        if noPeers {
            print("side-by-side run skipped (--no-peers)")
        } else if let victoriaMetrics = Peers.installed("victoria-metrics") {
            let peer = try Peers.victoriaMetricsImport(file: file, victoriaMetrics: victoriaMetrics, curl: curl)
            print(
                String(
                    format: "VictoriaMetrics import of the same file: %.2f s; ratio Osprey/VictoriaMetrics wall time: %.2f", peer.seconds,
                    wall / peer.seconds))
        } else {
            print("victoria-metrics not installed: no side-by-side figure (apt-get install victoria-metrics)")
        }

        try await smallPushes(base: base)
        try await osprey.stop()
    }

    /// `clients` tasks each sending pushes of 100 samples, one after another; prints requests/s
    /// and latency percentiles.
    private func smallPushes(base: String) async throws {
        let client = HTTPClient.shared
        let perClient = max(pushes / clients, 1)
        let now = SystemClock().now()
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { tasks in
            for worker in 0..<clients {
                tasks.addTask {
                    var own: [Double] = []
                    for push in 0..<perClient {
                        let body = (0..<100).map { "small_push_metric{client=\"\(worker)\",series=\"\($0)\"} \(push) \(now + Int64(push))" }
                            .joined(separator: "\n")
                        var request = HTTPClientRequest(url: base + "/api/v1/import/prometheus")
                        request.method = .POST
                        request.body = .bytes(ByteBuffer(string: body))
                        let began = ContinuousClock.now
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        guard response.status.code == 204 else { throw BenchError("push answered \(response.status.code)") }
                        own.append((ContinuousClock.now - began).seconds)
                    }
                    return own
                }
            }
            var all: [Double] = []
            for try await own in tasks { all += own }
            return all.sorted()
        }
        let elapsed = (ContinuousClock.now - start).seconds
        print(
            String(
                format:
                    "small pushes (100 samples each, %d concurrent clients): %d requests in %.2f s = %.0f requests/s (%.2f M samples/s); latency p50 %.2f ms, p99 %.2f ms",
                clients, latencies.count, elapsed, Double(latencies.count) / elapsed, Double(latencies.count * 100) / elapsed / 1e6,
                latencies[latencies.count / 2] * 1000, latencies[latencies.count * 99 / 100] * 1000))
    }
}
