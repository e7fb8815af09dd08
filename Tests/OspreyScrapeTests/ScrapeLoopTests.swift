import Logging
import OspreyConfig
import OspreyModel
import OspreyScrape
import OspreyTestSupport
import Testing

/// Scrapes of a real HTTP target into a real storage, checked as a Prometheus user would:
/// the series and their labels, the report series, staleness, limits and `/api/v1/targets` state.
@Suite struct ScrapeLoopTests {
    private func job(_ name: String, _ target: MetricsTarget, _ configure: (inout ScrapeConfiguration) -> Void = { _ in })
        -> ScrapeConfiguration
    {
        var config = ScrapeConfiguration(
            jobName: name, scrapeInterval: .seconds(1), scrapeTimeout: .seconds(1),
            staticConfigs: [StaticConfiguration(targets: [target.address], labels: ["env": "test"])])
        configure(&config)
        return config
    }

    /// Why the first target's last scrape failed.
    private static func lastError(_ manager: ScrapeManager) async -> String {
        await manager.targets().first?.active.first?.health.lastError ?? ""
    }

    private func manager(_ stored: TemporaryStorage) -> ScrapeManager {
        let storage = stored.storage
        return ScrapeManager(storage: { storage }, logger: Logger(label: "scrape-test"))
    }

    @Test func seriesArriveWithJobInstanceAndTargetLabels() async throws {
        let target = try await MetricsTarget.start("# TYPE requests_total counter\nrequests_total{path=\"/\"} 7\nload 0.5\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target)])
        let identity = ["job": "app", "instance": target.address, "env": "test"]
        try await eventually {
            try !stored.samples(identity.merging(["__name__": "requests_total", "path": "/"]) { $1 }).isEmpty
        }
        #expect(try stored.samples(identity.merging(["__name__": "load"]) { $1 }).first?.value == 0.5)
        try await eventually { try stored.samples(identity.merging(["__name__": "up"]) { $1 }).last?.value == 1 }
        #expect(try stored.samples(identity.merging(["__name__": "scrape_samples_scraped"]) { $1 }).last?.value == 2)
        #expect(try stored.samples(identity.merging(["__name__": "scrape_samples_post_metric_relabeling"]) { $1 }).last?.value == 2)
        // The first scrape that reached the target added both series (one before it may have timed
        // out on a loaded machine, adding none).
        let firstUp = try #require(try stored.samples(identity.merging(["__name__": "up"]) { $1 }).first { $0.value == 1 })
        let added = try stored.samples(identity.merging(["__name__": "scrape_series_added"]) { $1 })
        #expect(added.first { $0.timestamp == firstUp.timestamp }?.value == 2, "\(added)")
        #expect(try !stored.samples(identity.merging(["__name__": "scrape_duration_seconds"]) { $1 }).isEmpty)

        let targets = await manager.targets()
        #expect(targets.map(\.job) == ["app"])
        let state = try #require(targets.first?.active.first)
        #expect(state.health.state == .up)
        #expect(state.target.url == "http://\(target.address)/metrics")
        #expect(state.target.labels == Labels(identity))
        await manager.shutdown()
        await target.stop()
    }

    /// A target's TYPE, HELP and UNIT reach the storage's metadata, and a changed HELP replaces
    /// the old one as the newest description.
    @Test func typeHelpAndUnitBecomeMetadataAndFollowChanges() async throws {
        let target = try await MetricsTarget.start(
            "# HELP queue_depth Jobs waiting.\n# TYPE queue_depth gauge\nqueue_depth 3\nbare 1\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target)])
        try await eventually { stored.storage.metadata()["queue_depth"] != nil }
        #expect(stored.storage.metadata() == ["queue_depth": [MetricMetadata(type: .gauge, help: "Jobs waiting.")]])

        target.serve("# HELP queue_depth Jobs waiting, by queue.\n# TYPE queue_depth gauge\nqueue_depth 4\n")
        try await eventually { stored.storage.metadata()["queue_depth"]?.last?.help == "Jobs waiting, by queue." }

        // OpenMetrics's UNIT, on the family's name.
        target.serve(
            "# TYPE request_seconds gauge\n# UNIT request_seconds seconds\nrequest_seconds 0.2\n# EOF\n",
            contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8")
        try await eventually {
            stored.storage.metadata()["request_seconds"] == [MetricMetadata(type: .gauge, unit: "seconds")]
        }
        await manager.shutdown()
        await target.stop()
    }

    @Test func openMetricsBodiesAreReadAsOpenMetrics() async throws {
        let target = try await MetricsTarget.start(
            "# TYPE orders counter\norders_total{country=\"de\"} 3.0\norders_created{country=\"de\"} 1.7e+09\n# EOF\n",
            contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target)])
        let orders = ["__name__": "orders_total", "country": "de", "job": "app", "instance": target.address, "env": "test"]
        try await eventually { try stored.samples(orders).first?.value == 3 }
        await manager.shutdown()
        await target.stop()
    }

    @Test func scrapesAskForOpenMetricsThenTextAndTakeGzip() async throws {
        let target = try await MetricsTarget.start("zipped_metric 42\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target)])
        let zipped = ["__name__": "zipped_metric", "job": "app", "instance": target.address, "env": "test"]
        try await eventually { try stored.samples(zipped).first?.value == 42 }
        let headers = target.lastRequestHeaders
        let accept = try #require(headers["accept"])
        let openMetrics = try #require(accept.range(of: "application/openmetrics-text"))
        let text = try #require(accept.range(of: "text/plain;version=0.0.4"))
        #expect(openMetrics.lowerBound < text.lowerBound)
        #expect(headers["accept-encoding"]?.contains("gzip") == true)
        #expect(headers["x-prometheus-scrape-timeout-seconds"] == "1")
        await manager.shutdown()
        await target.stop()
    }

    @Test(arguments: [
        (BasicAuth(username: "scraper", password: "s3cret") as BasicAuth?, nil as Authorization?, "Basic c2NyYXBlcjpzM2NyZXQ="),
        (nil, Authorization(credentials: "token-123"), "Bearer token-123"),
        (nil, Authorization(type: "Custom", credentials: "abc"), "Custom abc"),
    ])
    func scrapesCarryTheJobsCredentials(basic: BasicAuth?, authorization: Authorization?, header: String) async throws {
        let target = try await MetricsTarget.start("guarded 1\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([
            job("app", target) {
                $0.basicAuth = basic
                $0.authorization = authorization
            }
        ])
        try await eventually { target.lastRequestHeaders["authorization"] != nil }
        #expect(target.lastRequestHeaders["authorization"] == header)
        await manager.shutdown()
        await target.stop()
    }

    @Test(arguments: [false, true])
    func aScrapeThatOutlastsItsTimeoutFails(stallingInTheBody: Bool) async throws {
        let target = try await MetricsTarget.start("slow_metric 1\nslow_metric_two 2\n")
        // Far past the 1 s timeout, so that a scrape cut at its timeout is told apart from one
        // that waited, even when a loaded machine delays the timer by seconds.
        if stallingInTheBody { target.stallBody(.seconds(30)) } else { target.delay(.seconds(30)) }
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target)])
        let up = ["__name__": "up", "job": "app", "instance": target.address, "env": "test"]
        try await eventually { try stored.samples(up).last?.value == 0 }
        let state = try #require(await manager.targets().first?.active.first)
        #expect(state.health.lastError.contains("timed out"))
        #expect(state.health.lastScrapeDuration < 20)
        #expect(try stored.series(matching: ["__name__": "slow_metric"]).isEmpty)
        await manager.shutdown()
        await target.stop()
    }

    @Test func aReloadThatAddsATargetKeepsTheOthersScraping() async throws {
        let first = try await MetricsTarget.start("first_metric 1\n")
        let second = try await MetricsTarget.start("second_metric 2\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", first)])
        let firstSeries = ["__name__": "first_metric", "job": "app", "instance": first.address, "env": "test"]
        try await eventually { await manager.targets().first?.active.first?.health.state == .up }

        await manager.apply([
            job("app", first) {
                $0.staticConfigs = [StaticConfiguration(targets: [first.address, second.address], labels: ["env": "test"])]
            }
        ])
        let active = try #require(await manager.targets().first?.active)
        #expect(active.count == 2)
        // A restarted loop would not have scraped yet: the kept one still knows its last scrape.
        #expect(active.first { $0.target.url.contains(first.address) }?.health.state == .up)
        let secondSeries = ["__name__": "second_metric", "job": "app", "instance": second.address, "env": "test"]
        try await eventually { try !stored.samples(secondSeries).isEmpty }
        #expect(try stored.samples(firstSeries).allSatisfy { !$0.value.isStaleMarker })
        await manager.shutdown()
        await first.stop()
        await second.stop()
    }

    @Test func aVanishedSeriesGoesStaleOnTheNextScrape() async throws {
        let target = try await MetricsTarget.start("kept 1\ngone 2\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target)])
        let gone = ["__name__": "gone", "job": "app", "instance": target.address, "env": "test"]
        try await eventually { try !stored.samples(gone).isEmpty }
        target.serve("kept 1\n")
        try await eventually { try stored.samples(gone).last?.value.isStaleMarker == true }
        await manager.shutdown()
        await target.stop()
    }

    @Test func aTargetThatStopsIsDownAndItsSeriesStale() async throws {
        let target = try await MetricsTarget.start("kept 1\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target)])
        let identity = ["job": "app", "instance": target.address, "env": "test"]
        try await eventually { try stored.samples(identity.merging(["__name__": "up"]) { $1 }).last?.value == 1 }
        await target.stop()
        try await eventually { try stored.samples(identity.merging(["__name__": "up"]) { $1 }).last?.value == 0 }
        try await eventually { try stored.samples(identity.merging(["__name__": "kept"]) { $1 }).last?.value.isStaleMarker == true }
        let state = try #require(await manager.targets().first?.active.first)
        #expect(state.health.state == .down)
        #expect(!state.health.lastError.isEmpty)
        await manager.shutdown()
    }

    /// A target removed while its scrape hangs: the cut-short scrape fails (`up` 0, its series
    /// already stale), and the report series still end with staleness markers.
    @Test func aTargetRemovedMidScrapeEndsItsReportSeries() async throws {
        let target = try await MetricsTarget.start("load 0.5\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([
            job("app", target) {
                $0.scrapeInterval = .seconds(1)
                $0.scrapeTimeout = .seconds(1)
            }
        ])
        let up = ["__name__": "up", "job": "app", "instance": target.address, "env": "test"]
        try await eventually { try stored.samples(up).last?.value == 1 }
        // Each scrape now outlasts its timeout; remove the job while one is in flight.
        target.delay(.seconds(30))
        try await eventually { try stored.samples(up).last?.value == 0 }
        await manager.apply([])
        try await eventually { try stored.samples(up).last?.value.isStaleMarker == true }
        await manager.shutdown()
        await target.stop()
    }

    @Test func scrapedLabelsClashingWithTargetLabelsAreKeptAsExported() async throws {
        let target = try await MetricsTarget.start("m{job=\"inner\",env=\"prod\"} 1\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target)])
        try await eventually { try !stored.series(matching: ["__name__": "m"]).isEmpty }
        #expect(
            try stored.series(matching: ["__name__": "m"]) == [
                Labels([
                    "__name__": "m", "job": "app", "instance": target.address, "env": "test", "exported_job": "inner",
                    "exported_env": "prod",
                ])
            ])
        await manager.shutdown()
        await target.stop()
    }

    @Test func honorLabelsKeepsTheScrapedOnes() async throws {
        let target = try await MetricsTarget.start("m{job=\"inner\"} 1\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target) { $0.honorLabels = true }])
        try await eventually { try !stored.series(matching: ["__name__": "m"]).isEmpty }
        #expect(
            try stored.series(matching: ["__name__": "m"]) == [
                Labels(["__name__": "m", "job": "inner", "instance": target.address, "env": "test"])
            ])
        await manager.shutdown()
        await target.stop()
    }

    @Test func honorTimestampsDecidesWhoseTimeASampleGets() async throws {
        let written = SystemClock().now() - 600_000
        let target = try await MetricsTarget.start("m 1 \(written)\n")
        for honor in [true, false] {
            let stored = try TemporaryStorage()
            let manager = manager(stored)
            await manager.apply([job("app", target) { $0.honorTimestamps = honor }])
            try await eventually { try !stored.samples(["__name__": "m", "job": "app", "instance": target.address, "env": "test"]).isEmpty }
            let first = try #require(try stored.samples(["__name__": "m", "job": "app", "instance": target.address, "env": "test"]).first)
            if honor { #expect(first.timestamp == written) } else { #expect(first.timestamp > written + 500_000) }
            await manager.shutdown()
        }
        await target.stop()
    }

    @Test func overTheSampleLimitTheScrapeFailsWholeWithUpZero() async throws {
        let target = try await MetricsTarget.start("a 1\nb 2\nc 3\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target) { $0.sampleLimit = 2 }])
        let identity = ["job": "app", "instance": target.address, "env": "test"]
        try await eventually { try stored.samples(identity.merging(["__name__": "up"]) { $1 }).last?.value == 0 }
        #expect(try stored.series(matching: ["__name__": "a"]).isEmpty)
        // On a loaded machine a scrape may time out first; the next one meets the limit.
        try await eventually { await Self.lastError(manager).contains("sample limit exceeded") }
        #expect(try stored.samples(identity.merging(["__name__": "scrape_samples_post_metric_relabeling"]) { $1 }).last?.value == 3)
        await manager.shutdown()
        await target.stop()
    }

    @Test func overTheBodySizeLimitTheScrapeFailsWithUpZero() async throws {
        let target = try await MetricsTarget.start(String(repeating: "a_rather_long_metric_name 1\n", count: 100))
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target) { $0.bodySizeLimit = 1000 }])
        let identity = ["job": "app", "instance": target.address, "env": "test"]
        try await eventually { try stored.samples(identity.merging(["__name__": "up"]) { $1 }).last?.value == 0 }
        try await eventually { await Self.lastError(manager).contains("body size limit exceeded") }
        await manager.shutdown()
        await target.stop()
    }

    @Test func aMalformedBodyFailsTheScrapeNamingTheLine() async throws {
        let target = try await MetricsTarget.start("ok 1\nbroken{ 2\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("app", target)])
        try await eventually { await manager.targets().first?.active.first?.health.state == .down }
        // On a loaded machine a scrape may time out first; the next one reads the body.
        try await eventually { await Self.lastError(manager).hasPrefix("line 2: ") }
        #expect(try stored.series(matching: ["__name__": "ok"]).isEmpty)
        await manager.shutdown()
        await target.stop()
    }

    @Test func aReloadKeepsUnchangedTargetsAndEndsRemovedOnes() async throws {
        let first = try await MetricsTarget.start("first_metric 1\n")
        let second = try await MetricsTarget.start("second_metric 2\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        let one = job("one", first)
        await manager.apply([one, job("two", second)])
        let firstSeries = ["__name__": "first_metric", "job": "one", "instance": first.address, "env": "test"]
        let secondSeries = ["__name__": "second_metric", "job": "two", "instance": second.address, "env": "test"]
        try await eventually { try !stored.samples(firstSeries).isEmpty && !stored.samples(secondSeries).isEmpty }
        await manager.apply([one])
        try await eventually { try stored.samples(secondSeries).last?.value.isStaleMarker == true }
        let before = try stored.samples(firstSeries).count
        try await eventually { try stored.samples(firstSeries).count > before + 1 }
        // A scrape that fails (a loaded machine can time one out) marks the series stale too, with `up`
        // 0 at the same time; a target the reload ended would have marked `up` stale as well.
        let upSeries = ["__name__": "up", "job": "one", "instance": first.address, "env": "test"]
        let up = Dictionary(try stored.samples(upSeries).map { ($0.timestamp, $0.value) }) { first, _ in first }
        let ended = try stored.samples(firstSeries).filter { $0.value.isStaleMarker && up[$0.timestamp] != 0 }
        #expect(ended.isEmpty, "stale without a failed scrape at \(ended.map(\.timestamp))")
        #expect(try stored.samples(upSeries).allSatisfy { !$0.value.isStaleMarker })
        #expect(await manager.targets().map(\.job) == ["one"])
        await manager.shutdown()
        await first.stop()
        await second.stop()
    }
}
