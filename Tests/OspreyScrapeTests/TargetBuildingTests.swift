import OspreyConfig
import OspreyModel
import OspreyScrape
import Testing

/// Targets built from discovered groups as Prometheus's `PopulateLabels` builds them: the
/// labels a user sees on `/api/v1/targets` and on every series, and the URL that is fetched.
@Suite struct TargetBuildingTests {
    private func job(
        _ relabelConfigs: [RelabelConfiguration] = [], _ configure: (inout ScrapeConfiguration) -> Void = { _ in }
    ) -> ScrapeConfiguration {
        var config = ScrapeConfiguration(
            jobName: "node", scrapeInterval: .seconds(30), scrapeTimeout: .seconds(10), relabelConfigs: relabelConfigs)
        configure(&config)
        return config
    }

    /// One group of targets, each given by address, with labels common to all of them.
    private func group(_ addresses: [String], _ labels: [String: String] = [:], source: String = "0") -> TargetGroup {
        TargetGroup(
            source: source, targets: addresses.map { Labels([Label(TargetLabelNames.address, $0)]) },
            labels: Labels(labels))
    }

    private func build(_ job: ScrapeConfiguration, _ groups: [TargetGroup]) -> (active: [ScrapeTarget], dropped: [DroppedTarget]) {
        ScrapeTarget.build(job: job, groups: groups, relabeler: Relabeler(job.relabelConfigs))
    }

    @Test func aTargetGetsJobInstanceAndGroupLabelsAndTheJobsSchedule() throws {
        let (active, dropped) = build(job(), [group(["10.0.0.1:9100"], ["env": "prod"])])
        let target = try #require(active.first)
        #expect(active.count == 1 && dropped.isEmpty)
        #expect(target.labels == Labels(["job": "node", "instance": "10.0.0.1:9100", "env": "prod"]))
        #expect(target.url == "http://10.0.0.1:9100/metrics")
        #expect(target.interval == .seconds(30))
        #expect(target.timeout == .seconds(10))
    }

    @Test func aBareHostGetsTheSchemesDefaultPort() throws {
        let http = build(job(), [group(["db.example", "[::1]"])]).active.map(\.labels["instance"])
        #expect(http == ["db.example:80", "[::1]:80"])
        let https = build(job { $0.scheme = "https" }, [group(["db.example"])]).active
        #expect(https.map(\.labels["instance"]) == ["db.example:443"])
        #expect(https.map(\.url) == ["https://db.example:443/metrics"])
    }

    @Test func paramsOfTheJobGoIntoTheQuery() throws {
        let target = try #require(build(job { $0.params = ["module": ["http_2xx"]] }, [group(["a:9100"])]).active.first)
        #expect(target.url == "http://a:9100/metrics?module=http_2xx")
        // `__param_` labels are how relabelling sees them, and are not on the series.
        #expect(target.labels == Labels(["job": "node", "instance": "a:9100"]))
    }

    @Test func everyValueOfAParameterIsSentAndEscapedAsPrometheusDoes() throws {
        // Prometheus sends all of a param's values, and escapes as Go does: `+` must not reach
        // the target as a space.
        let config = job { $0.params = ["module": ["a", "b"], "q": ["x+y z&w"]] }
        let target = try #require(build(config, [group(["a:9100"])]).active.first)
        #expect(target.url == "http://a:9100/metrics?module=a&module=b&q=x%2By+z%26w")
    }

    @Test func theBlackboxExporterPatternProbesThroughTheExporter() throws {
        // The relabelling every blackbox_exporter user writes: the discovered address becomes the
        // `target` parameter and the instance, and the exporter is what is fetched.
        let config = job([
            RelabelConfiguration(sourceLabels: ["__address__"], targetLabel: "__param_target"),
            RelabelConfiguration(sourceLabels: ["__param_target"], targetLabel: "instance"),
            RelabelConfiguration(targetLabel: "__address__", replacement: "blackbox:9115"),
        ]) {
            $0.metricsPath = "/probe"
            $0.params = ["module": ["http_2xx"]]
        }
        let target = try #require(build(config, [group(["https://example.com"])]).active.first)
        #expect(target.url == "http://blackbox:9115/probe?module=http_2xx&target=https%3A%2F%2Fexample.com")
        #expect(target.labels == Labels(["job": "node", "instance": "https://example.com"]))
    }

    @Test func relabellingCanChangeSchemePathAndParameters() throws {
        let config = job([
            RelabelConfiguration(targetLabel: "__scheme__", replacement: "https"),
            RelabelConfiguration(targetLabel: "__metrics_path__", replacement: "/federate"),
            RelabelConfiguration(sourceLabels: ["shard"], targetLabel: "__param_shard"),
        ]) { $0.params = ["match[]": ["{job=\"x\"}"]] }
        let target = try #require(build(config, [group(["a:9090"], ["shard": "3"])]).active.first)
        #expect(target.url == "https://a:9090/federate?match%5B%5D=%7Bjob%3D%22x%22%7D&shard=3")
        #expect(target.labels == Labels(["job": "node", "instance": "a:9090", "shard": "3"]))
    }

    @Test func aDroppedTargetIsListedWithItsDiscoveredLabels() throws {
        let config = job([RelabelConfiguration(sourceLabels: ["env"], regex: "staging", action: .drop)])
        let (active, dropped) = build(config, [group(["a:9100"], ["env": "prod"]), group(["b:9100"], ["env": "staging"])])
        #expect(active.map(\.labels["instance"]) == ["a:9100"])
        // Prometheus shows the labels before relabelling, job defaults included.
        #expect(
            dropped.map(\.discoveredLabels) == [
                Labels([
                    "__address__": "b:9100", "env": "staging", "job": "node", "__scheme__": "http",
                    "__metrics_path__": "/metrics", "__scrape_interval__": "30s", "__scrape_timeout__": "10s",
                ])
            ])
    }

    @Test func metaAndOtherDoubleUnderscoreLabelsAreNotKeptButLabelmapCanCopyThem() throws {
        let groups = [group(["a:9100"], ["__meta_filepath": "/etc/targets/db.json", "__tmp_x": "y", "team": "db"])]
        let plain = try #require(build(job(), groups).active.first)
        #expect(plain.labels == Labels(["job": "node", "instance": "a:9100", "team": "db"]))

        let mapped = try #require(
            build(job([RelabelConfiguration(regex: "__meta_(.+)", replacement: "$1", action: .labelmap)]), groups).active.first)
        #expect(mapped.labels == Labels(["job": "node", "instance": "a:9100", "team": "db", "filepath": "/etc/targets/db.json"]))
    }

    @Test func relabellingCanSetTheInstance() throws {
        let config = job([
            RelabelConfiguration(sourceLabels: ["__address__"], targetLabel: "instance", regex: "([^:]+):\\d+")
        ])
        let target = try #require(build(config, [group(["db1:9100"])]).active.first)
        #expect(target.labels["instance"] == "db1")
        #expect(target.url == "http://db1:9100/metrics")
    }

    @Test func anAddressEmptiedByRelabellingIsNotScraped() throws {
        let config = job([RelabelConfiguration(targetLabel: "__address__", replacement: "")])
        #expect(build(config, [group(["a:9100"])]).active.isEmpty)
    }

    @Test func aTargetListedTwiceIsScrapedOnce() throws {
        // The same target in two static entries, and in two target files that differ only in
        // `__meta_filepath`: the labels and URL are the same, so Prometheus runs one scrape.
        let twice = build(job(), [group(["a:9100"], source: "0"), group(["a:9100"], source: "1")])
        #expect(twice.active.count == 1)
        let files = build(
            job(),
            [
                group(["a:9100"], ["__meta_filepath": "/t/one.json"], source: "/t/one.json:0"),
                group(["a:9100"], ["__meta_filepath": "/t/two.json"], source: "/t/two.json:0"),
            ])
        #expect(files.active.map(\.url) == ["http://a:9100/metrics"])
    }
}
