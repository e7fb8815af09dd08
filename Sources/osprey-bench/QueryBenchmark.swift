import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import OspreyModel

/// Loads the yardstick into Osprey, Prometheus and VictoriaMetrics side by side, runs the same
/// range queries against each one's HTTP API and prints the sum of per-query median latencies.
struct QueryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Range queries over the yardstick against Osprey, Prometheus and VictoriaMetrics."
    )

    @Argument(help: "Yardstick in Prometheus text format with timestamps (gen.py --format prom).")
    var file: String

    @Option(help: "The same data in OpenMetrics (gen.py --format openmetrics), for promtool's backfill.")
    var openmetrics: String?

    @Option(help: "Runs of each query; the median counts.")
    var runs = 5

    @Option(help: "Range query step in seconds.")
    var step = 60

    @Flag(help: "Run Osprey alone (for profiling).")
    var noPeers = false

    @Flag(help: "Print each query's median latency on each system.")
    var perQuery = false

    @Flag(help: "Let VictoriaMetrics answer repeated queries from its cache (off by default: nocache=1).")
    var victoriaMetricsCache = false

    func run() async throws {
        guard let curl = Peers.installed("curl") else { throw BenchError("curl is needed: apt-get install curl") }
        let (first, last) = try Self.timeRange(of: file)
        // Whole minutes inside the data, as a dashboard asks.
        let start = (first / 60_000 + 1) * 60
        let end = last / 60_000 * 60
        print(
            "file: \(file); range \(start) ... \(end) (\((end - start) / 60) minutes), step \(step) s, \(QueryBenchmark.queries.count) queries, median of \(runs) runs each"
        )

        let osprey = try await LocalOsprey.start("query")
        let ospreyBase = osprey.base
        let imported = try Peers.run(
            curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@" + file, ospreyBase + "/api/v1/import/prometheus"])
        guard imported.output == "204" else { throw BenchError("Osprey answered \(imported.output) to the import") }

        var targets: [(name: String, base: String, extra: String)] = [("Osprey", ospreyBase, "")]
        var peers: [Process] = []
        defer {
            for peer in peers {
                peer.interrupt()
                peer.waitUntilExit()
            }
        }
        if noPeers {
            print("side-by-side run skipped (--no-peers)")
        } else if let victoriaMetrics = Peers.installed("victoria-metrics") {
            let (process, base) = try Peers.startVictoriaMetrics(victoriaMetrics, loading: file, curl: curl)
            peers.append(process)
            targets.append(("VictoriaMetrics", base, victoriaMetricsCache ? "" : "&nocache=1"))
        } else {
            print("victoria-metrics not installed: apt-get install victoria-metrics")
        }
        if noPeers {
        } else if let openmetrics, let prometheus = Peers.installed("prometheus"), let promtool = Peers.installed("promtool") {
            let (process, base) = try Peers.startPrometheus(prometheus, promtool: promtool, loading: openmetrics)
            peers.append(process)
            targets.append(("Prometheus", base, ""))
        } else {
            print("Prometheus left out: pass --openmetrics FILE and apt-get install prometheus")
        }

        var totals = Array(repeating: 0.0, count: targets.count)
        var seriesCounts: [[Int]] = []
        var skipped: [String] = []
        queries: for query in QueryBenchmark.queries {
            var counts: [Int] = []
            var latencies: [Double] = []
            for target in targets {
                let url = target.base + "/api/v1/query_range?start=\(start)&end=\(end)&step=\(step)" + target.extra
                do {
                    let (median, series) = try await Self.medianLatency(url: url, query: query, runs: runs)
                    latencies.append(median)
                    counts.append(series)
                } catch {
                    // A query one system cannot answer counts for none, so the sums stay comparable.
                    skipped.append("\(query) (\(target.name): \(error))")
                    continue queries
                }
            }
            for index in targets.indices { totals[index] += latencies[index] }
            seriesCounts.append(counts)
            if perQuery { print(latencies.map { String(format: "%7.1f ms", $0 * 1000) }.joined(separator: " ") + "  " + query) }
        }
        for query in skipped { print("left out of the sums: \(query)") }
        for (index, target) in targets.enumerated() {
            print(String(format: "%@: sum of median latencies %.3f s", target.name, totals[index]))
        }
        for index in targets.indices.dropFirst() {
            print(String(format: "ratio Osprey/%@: %.2f", targets[index].name, totals[0] / totals[index]))
        }
        let answered = QueryBenchmark.queries.filter { query in !skipped.contains { $0.hasPrefix(query + " (") } }
        print("\(answered.count) queries answered by every system")
        let disagreeing = zip(answered, seriesCounts).filter { Set($0.1).count > 1 }
        print("queries whose series counts differ between systems: \(disagreeing.count)")
        for (query, counts) in disagreeing.prefix(10) { print("  \(query): \(counts)") }

        try await osprey.stop()
    }

    /// Median wall time of `runs` identical requests after one warm-up, and the series count.
    /// One kept-alive connection, so the figure is the server's and not a client's start-up.
    static func medianLatency(url: String, query: String, runs: Int) async throws -> (Double, Int) {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "+&=;")
        guard let escaped = query.addingPercentEncoding(withAllowedCharacters: allowed) else { throw BenchError("cannot escape \(query)") }
        let request = HTTPClientRequest(url: url + "&query=" + escaped)
        func fetch() async throws -> String {
            let response: HTTPClientResponse
            let body: ByteBuffer
            do {
                response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
                body = try await response.body.collect(upTo: 1 << 30)
            } catch {
                throw BenchError("\(url) failed on \(query): \(error)")
            }
            guard response.status == .ok else { throw BenchError("\(url) answered \(response.status) to \(query)") }
            return String(buffer: body)
        }
        let series = try await fetch().components(separatedBy: "\"metric\"").count - 1
        var times: [Double] = []
        for _ in 0..<runs {
            let started = ContinuousClock.now
            _ = try await fetch()
            times.append((ContinuousClock.now - started).seconds)
        }
        times.sort()
        return (times[times.count / 2], series)
    }

    /// The first and last sample timestamps (ms) of a text file with timestamps.
    static func timeRange(of path: String) throws -> (Int64, Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchError("cannot open \(path)") }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 1 << 16), as: UTF8.self)
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size > 1 << 16 ? size - (1 << 16) : 0)
        let tail = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        func timestamps(_ text: String) -> [Int64] {
            text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
                line.split(separator: " ").last.flatMap { Int64($0) }
            }
        }
        guard let first = timestamps(head).min(), let last = timestamps(tail).max() else {
            throw BenchError("\(path) has no sample timestamps")
        }
        return (first, last)
    }

    /// Range queries a dashboard over the yardstick would run.
    static let queries: [String] = [
        "rate(node_cpu_seconds_total[5m])",
        "sum by (instance) (rate(node_cpu_seconds_total[5m]))",
        "sum by (mode) (rate(node_cpu_seconds_total[5m]))",
        "1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m]))",
        "avg without (cpu) (rate(node_cpu_seconds_total[5m]))",
        "sum by (instance, mode) (irate(node_cpu_seconds_total[5m]))",
        "topk(3, sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[5m])))",
        "bottomk(2, sum by (instance) (rate(node_cpu_seconds_total{mode=\"user\"}[5m])))",
        "count by (instance) (node_cpu_seconds_total{mode=\"idle\"})",
        "max_over_time(rate(node_cpu_seconds_total{mode=\"user\"}[5m])[30m:1m])",
        "increase(node_cpu_seconds_total{mode=\"system\"}[1h])",
        "rate(node_network_receive_bytes_total[5m])",
        "sum by (instance) (rate(node_network_receive_bytes_total[5m]) + rate(node_network_transmit_bytes_total[5m]))",
        "rate(node_network_receive_bytes_total[5m]) / on (instance, device) group_left rate(node_network_receive_packets_total[5m])",
        "topk(5, rate(node_network_transmit_bytes_total[5m]))",
        "sum(rate(node_network_receive_errs_total[5m])) by (device)",
        "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes",
        "1 - node_memory_MemAvailable_bytes / on (instance) node_memory_MemTotal_bytes",
        "avg_over_time(node_memory_MemAvailable_bytes[10m])",
        "min_over_time(node_memory_MemFree_bytes[15m])",
        "deriv(node_memory_MemAvailable_bytes[15m])",
        "predict_linear(node_memory_MemAvailable_bytes[30m], 3600)",
        "node_filesystem_avail_bytes / node_filesystem_size_bytes",
        "sum by (instance) (node_filesystem_size_bytes - node_filesystem_avail_bytes)",
        "predict_linear(node_filesystem_avail_bytes{fstype!=\"tmpfs\"}[1h], 4 * 3600) < 0",
        "rate(node_disk_read_bytes_total[5m])",
        "sum by (instance) (rate(node_disk_written_bytes_total[5m]))",
        "rate(node_disk_io_time_seconds_total[5m])",
        "node_load1",
        "avg by (instance) (node_load1) / count by (instance) (node_cpu_seconds_total{mode=\"idle\"})",
        "max_over_time(node_load5[30m])",
        "rate(node_context_switches_total[5m])",
        "rate(node_intr_total[5m])",
        "changes(node_boot_time_seconds[1h])",
        "rate(http_requests_total[5m])",
        "sum by (route) (rate(http_requests_total[5m]))",
        "sum by (route, status) (rate(http_requests_total[5m]))",
        "sum by (instance) (rate(http_requests_total{status=\"500\"}[5m])) / sum by (instance) (rate(http_requests_total[5m]))",
        "sum(rate(http_requests_total{status=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))",
        "topk(5, sum by (route) (rate(http_requests_total[5m])))",
        "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
        "histogram_quantile(0.9, sum by (route, le) (rate(http_request_duration_seconds_bucket[5m])))",
        "histogram_quantile(0.5, rate(http_request_duration_seconds_bucket[5m]))",
        "histogram_quantile(0.99, sum by (instance, le) (rate(http_request_duration_seconds_bucket{route=\"/api/orders\"}[10m])))",
        "sum by (route) (rate(http_request_duration_seconds_sum[5m])) / sum by (route) (rate(http_request_duration_seconds_count[5m]))",
        "sum(rate(http_request_duration_seconds_count[5m]))",
        "rate(http_request_duration_seconds_bucket{le=\"0.25\"}[5m]) / ignoring (le) rate(http_request_duration_seconds_count[5m])",
        "sum(increase(orders_total[1h]))",
        "sum(rate(revenue_cents_total[5m])) / 100",
        "rate(orders_total[5m]) / rate(signups_total[5m])",
        "sum(active_sessions)",
        "avg_over_time(cart_value_dollars[30m])",
        "quantile(0.9, app_heap_bytes)",
        "stddev(app_heap_bytes)",
        "max(queue_depth) by (queue)",
        "sum(rate(checkout_failures_total[5m])) / sum(rate(orders_total[5m])) > 0",
        "count(up == 1) or vector(0)",
        "count(count by (instance) (node_load1))",
        "quantile_over_time(0.95, node_load1[30m])",
        "stddev_over_time(node_load1[30m])",
        "rate(node_cpu_seconds_total{mode=\"idle\"}[5m]) and on (instance) node_load1 > 0",
        "sum by (instance) (rate(node_cpu_seconds_total[5m])) unless on (instance) node_load1 > 1000",
        "label_replace(rate(node_network_receive_bytes_total[5m]), \"host\", \"$1\", \"instance\", \"(.*):.*\")",
        "sort_desc(sum by (instance) (rate(node_cpu_seconds_total[5m])))",
        "absent(nonexistent_metric)",
        "timestamp(node_load1)",
        "sum by (instance) (rate(node_scrape_collector_duration_seconds[5m]))",
        "avg_over_time(rate(node_cpu_seconds_total{mode=\"user\"}[5m])[1h:5m])",
        "clamp_max(rate(node_cpu_seconds_total[5m]), 0.5)",
        "round(rate(http_requests_total[5m]), 0.01)",
    ]
}
