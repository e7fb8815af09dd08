import OspreyModel
import OspreyTSDB
import Testing

/// Label names and values come from the series with samples in the querier's range, as
/// Prometheus takes them from the blocks a range overlaps: a host gone for hours is not offered
/// for the last hour, in the head, after a restart and once its shard is recompressed.
@Suite struct LabelRangeTests {
    static let hour: Int64 = 3_600_000

    @Test func labelsComeFromTheSeriesWithSamplesInTheRange() throws {
        try withDataFolder { path in
            let start = recentTime(secondsAgo: 6 * 3600)
            let retired = labelSet("node_up", ["instance": "retired", "rack": "r1"])
            let current = labelSet("node_up", ["instance": "current"])
            let late = start + 4 * Self.hour
            var storage: MetricsStorage? = try MetricsStorage(path: path)
            try storage?.write(retired, (0..<10).map { Sample(timestamp: start + Int64($0) * 60_000, value: 1) })
            try storage?.write(current, (0..<10).map { Sample(timestamp: late + Int64($0) * 60_000, value: 1) })
            // A push refused whole leaves its series in the catalog with no sample.
            var refused = try #require(storage).appender()
            try refused.append(labelSet("node_up", ["instance": "never-sent"]), timestamp: late, value: 1)
            refused.rollback()

            func check(_ stage: String) throws {
                let storage = try #require(storage)
                let lastHour = storage.querier(minTime: late, maxTime: late + Self.hour)
                #expect(try lastHour.labelValues("instance", matching: []) == ["current"], "\(stage)")
                #expect(try lastHour.labelValues("instance", matching: [.equal("__name__", "node_up")]) == ["current"], "\(stage)")
                #expect(try lastHour.labelNames(matching: []) == ["__name__", "instance"], "\(stage): rack was only on the retired host")
                #expect(try lastHour.labelValues("rack", matching: []) == [], "\(stage)")

                let firstHour = storage.querier(minTime: start, maxTime: start + Self.hour)
                #expect(try firstHour.labelValues("instance", matching: []) == ["retired"], "\(stage)")
                #expect(try firstHour.labelNames(matching: [.equal("instance", "retired")]) == ["__name__", "instance", "rack"], "\(stage)")

                let between = storage.querier(minTime: start + Self.hour, maxTime: start + 2 * Self.hour)
                #expect(try between.labelValues("instance", matching: []) == [], "\(stage): nobody had samples then")

                let always = storage.querier(minTime: .min, maxTime: .max)
                #expect(try always.labelValues("instance", matching: []) == ["current", "retired"], "\(stage)")
            }

            try check("in the head")
            try storage?.close()
            storage = try MetricsStorage(path: path)
            try check("after a restart")
            try storage?.recompress(before: late + 10 * Self.hour)
            try storage?.close()
            storage = try MetricsStorage(path: path)
            try check("from recompressed shards")

            // Once retention has removed every shard, nobody spans any range.
            let retention = try #require(storage).options.retention.milliseconds
            #expect(storage?.enforceRetention(now: late + retention + 7 * 24 * Self.hour) ?? 0 > 0)
            #expect(try storage?.querier(minTime: .min, maxTime: .max).labelValues("instance", matching: []) == [])
            try storage?.close()
        }
    }
}
