import OspreyConfig
import OspreyModel
import Testing

@testable import OspreyScrape

/// Scrapes keep a fixed place in the interval, taken from the target, as Prometheus's do.
@Suite struct ScrapeScheduleTests {
    @Test func everyScrapeOfATargetFallsAtTheSameOffset() {
        let interval = Duration.seconds(15)
        let hash: UInt64 = 123_456_789_012_345
        let offset = Int64(hash % 15_000_000_000)
        for now in stride(from: Int64(1_795_000_000_000_000_000), to: 1_795_000_060_000_000_000, by: 3_700_000_123) {
            let delay = StableSchedule.delay(untilOffset: hash, interval: interval, now: now)
            #expect(delay >= .zero && delay < interval)
            #expect((now + delay.nanoseconds) % 15_000_000_000 == offset)
        }
    }

    @Test func targetsOfAJobSpreadOverTheInterval() throws {
        let job = ScrapeConfiguration(
            jobName: "node", scrapeInterval: .seconds(10), scrapeTimeout: .seconds(5),
            staticConfigs: [StaticConfiguration(targets: (0..<50).map { "host-\($0):9100" })])
        let targets = ScrapeTarget.build(job: job, groups: TargetGroup.groups(of: job.staticConfigs), relabeler: Relabeler([]))
            .active
        let offsets = targets.map { StableSchedule.delay(untilOffset: $0.stableHash, interval: .seconds(10), now: 0) }
        // Fifty targets in ten one-second slices: every slice has some, none has most.
        let slices = Dictionary(grouping: offsets) { $0.components.seconds }
        #expect(slices.count == 10)
        #expect(slices.values.allSatisfy { $0.count < 20 })
        // The same target gets the same offset in every process: FNV-1a of its labels and URL,
        // as `python3` computes it over "instance", "host-0:9100", "job", "node" and the URL,
        // each followed by 0xFF.
        let first = try #require(targets.first { $0.labels["instance"] == "host-0:9100" })
        #expect(first.stableHash == 17_039_910_323_433_627_070)
    }
}
