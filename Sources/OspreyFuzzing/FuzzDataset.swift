import OspreyModel
import OspreyQuery
import OspreyStorage

/// The small fixed dataset fuzzed queries run on: metric names from the PromQL conformance
/// queries (so seeds from them select something), counters with resets, histogram buckets,
/// gauges with NaN and infinities, info series, and a gap; 30 minutes at 15 s.
enum FuzzDataset {
    static let start: Timestamp = 600_000
    static let end: Timestamp = 1_800_000
    static let step: Int64 = 60_000

    /// Small limits: a fuzzed query may ask for a lot, and must be refused quickly rather than run for long.
    static let options: QueryOptions = {
        var options = QueryOptions()
        options.maxSamples = 200_000
        options.timeout = .seconds(2)
        return options
    }()

    static let queryable = MemoryQueryable(series: makeSeries())

    private static func makeSeries() -> [StoredSeries] {
        let times = stride(from: Timestamp(0), through: 1_800_000, by: 15_000).map { $0 }
        var series: [StoredSeries] = []
        func add(_ name: String, _ labels: [String: String], _ value: (Int, Timestamp) -> Double?) {
            var all = labels
            all[Labels.metricName] = name
            let samples = times.enumerated().compactMap { index, time in value(index, time).map { Sample(timestamp: time, value: $0) } }
            series.append(StoredSeries(labels: Labels(all), samples: samples))
        }
        for (job, instance) in [("api", "a:9090"), ("api", "b:9090"), ("db", "c:9100")] {
            add("up", ["job": job, "instance": instance]) { index, _ in instance == "b:9090" && index % 40 > 30 ? 0 : 1 }
            for code in ["200", "500"] {
                add("http_requests_total", ["job": job, "instance": instance, "code": code]) { index, _ in
                    // A restart halfway through resets the counter.
                    Double((index % 60) * (code == "200" ? 7 : 1))
                }
            }
            add("node_load1", ["job": job, "instance": instance]) { index, _ in
                index > 50 && index < 60 ? nil : Double(index % 13) / 4
            }
        }
        for bound in ["0.1", "0.5", "1", "+Inf"] {
            add("http_request_duration_seconds_bucket", ["job": "api", "le": bound]) { index, _ in
                Double(index) * (bound == "0.1" ? 1 : bound == "0.5" ? 3 : bound == "1" ? 4 : 5)
            }
        }
        add("http_request_duration_seconds_count", ["job": "api"]) { index, _ in Double(index * 5) }
        add("http_request_duration_seconds_sum", ["job": "api"]) { index, _ in Double(index) * 1.7 }
        for mode in ["idle", "user", "system"] {
            add("node_cpu_seconds_total", ["cpu": "0", "mode": mode, "instance": "c:9100"]) { index, _ in Double(index) * 0.25 }
        }
        add("flaky_gauge", ["instance": "a:9090"]) { index, _ in
            [Double.nan, .infinity, -.infinity, -0.0, 1e308, -5e-324, 42][index % 7]
        }
        add("node_uname_info", ["instance": "c:9100", "release": "6.1.0", "nodename": "host-c"]) { _, _ in 1 }
        add("label_source", ["src": "a-b-c", "dst": "x"]) { index, _ in Double(index) }
        add("batch_last_success_timestamp_seconds", ["job": "batch"]) { _, time in Double(time / 1000 - 120) }
        return series
    }
}
