import Foundation
import Logging
import OspreyConfig
import OspreyModel
import OspreyScrape
import OspreyTestSupport
import Testing

/// Relabelling and file discovery end to end: real HTTP targets scraped into a real storage
/// through `ScrapeManager`, checked by the series a user would query.
@Suite(.timeLimit(.minutes(2))) struct ScrapeRelabelAndDiscoveryTests {
    private func job(_ name: String, _ configure: (inout ScrapeConfiguration) -> Void) -> ScrapeConfiguration {
        var config = ScrapeConfiguration(jobName: name, scrapeInterval: .seconds(1), scrapeTimeout: .seconds(1))
        configure(&config)
        return config
    }

    /// A manager that notices target file changes within 50ms, so the test need not wait 5s.
    private func manager(_ stored: TemporaryStorage) -> ScrapeManager {
        let storage = stored.storage
        return ScrapeManager(storage: { storage }, filePollInterval: .milliseconds(50), logger: Logger(label: "scrape-test"))
    }

    /// The samples of one of the target's series, by name and any extra labels.
    private func samples(
        _ stored: TemporaryStorage, _ name: String, job: String, instance: String, _ extra: [String: String] = [:]
    ) throws -> [Sample] {
        try stored.samples(extra.merging(["__name__": name, "job": job, "instance": instance]) { $1 })
    }

    /// The value `name` got from the last scrape that succeeded: on a loaded machine a later one may
    /// time out, and a failed scrape leaves stale markers and counts of zero.
    private func valueAtLastGoodScrape(
        _ stored: TemporaryStorage, _ name: String, job: String, instance: String, _ extra: [String: String] = [:]
    ) throws -> Double? {
        guard let good = try samples(stored, "up", job: job, instance: instance).last(where: { $0.value == 1 })?.timestamp else { return nil }
        return try samples(stored, name, job: job, instance: instance, extra).first { $0.timestamp == good }?.value
    }

    @Test func metricRelabellingDropsASeriesBeforeItIsStored() async throws {
        let target = try await MetricsTarget.start("go_goroutines 12\napp_requests_total 5\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([
            job("app") {
                $0.staticConfigs = [StaticConfiguration(targets: [target.address])]
                $0.metricRelabelConfigs = [RelabelConfiguration(sourceLabels: ["__name__"], regex: "go_.*", action: .drop)]
            }
        ])
        // Several scrapes have happened once the report series has three samples.
        try await eventually { try samples(stored, "scrape_samples_post_metric_relabeling", job: "app", instance: target.address).count >= 3 }
        #expect(try valueAtLastGoodScrape(stored, "app_requests_total", job: "app", instance: target.address) == 5)
        #expect(try stored.series(matching: ["__name__": "go_goroutines"]).isEmpty)
        // Scraped counts what the target sent; post-relabelling counts what was kept.
        #expect(try valueAtLastGoodScrape(stored, "scrape_samples_scraped", job: "app", instance: target.address) == 2)
        #expect(try valueAtLastGoodScrape(stored, "scrape_samples_post_metric_relabeling", job: "app", instance: target.address) == 1)
        await manager.shutdown()
        await target.stop()
    }

    @Test func metricRelabellingRewritesALabel() async throws {
        let target = try await MetricsTarget.start("http_requests_total{code=\"200\"} 3\nhttp_requests_total{code=\"503\"} 1\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([
            job("app") {
                $0.staticConfigs = [StaticConfiguration(targets: [target.address])]
                $0.metricRelabelConfigs = [
                    RelabelConfiguration(sourceLabels: ["code"], targetLabel: "code_class", regex: "(\\d)..", replacement: "${1}xx"),
                    RelabelConfiguration(regex: "code", action: .labeldrop),
                ]
            }
        ])
        try await eventually {
            try !samples(stored, "http_requests_total", job: "app", instance: target.address, ["code_class": "5xx"]).isEmpty
        }
        #expect(try valueAtLastGoodScrape(stored, "http_requests_total", job: "app", instance: target.address, ["code_class": "2xx"]) == 3)
        #expect(try valueAtLastGoodScrape(stored, "http_requests_total", job: "app", instance: target.address, ["code_class": "5xx"]) == 1)
        // The original label is gone from every stored series.
        #expect(try stored.series(matching: ["__name__": "http_requests_total"]).allSatisfy { $0["code"] == nil })
        await manager.shutdown()
        await target.stop()
    }

    @Test func targetRelabellingKeepsOnlyTheSelectedTargets() async throws {
        let prod = try await MetricsTarget.start("served_by 1\n")
        let staging = try await MetricsTarget.start("served_by 2\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([
            job("app") {
                $0.staticConfigs = [
                    StaticConfiguration(targets: [prod.address], labels: ["env": "prod"]),
                    StaticConfiguration(targets: [staging.address], labels: ["env": "staging"]),
                ]
                $0.relabelConfigs = [RelabelConfiguration(sourceLabels: ["env"], regex: "prod", action: .keep)]
            }
        ])
        try await eventually { try samples(stored, "up", job: "app", instance: prod.address, ["env": "prod"]).count >= 3 }
        #expect(try stored.series(matching: ["instance": staging.address]).isEmpty)
        let targets = try #require(await manager.targets().first)
        #expect(targets.active.map(\.target.labels["instance"]) == [prod.address])
        #expect(targets.dropped.map(\.discoveredLabels["__address__"]) == [staging.address])
        await manager.shutdown()
        await prod.stop()
        await staging.stop()
    }

    @Test func targetRelabellingDropsTheMatchingTargets() async throws {
        let kept = try await MetricsTarget.start("served_by 1\n")
        let dropped = try await MetricsTarget.start("served_by 2\n")
        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([
            job("app") {
                $0.staticConfigs = [StaticConfiguration(targets: [kept.address, dropped.address])]
                $0.relabelConfigs = [
                    RelabelConfiguration(
                        sourceLabels: ["__address__"], regex: NSRegularExpression.escapedPattern(for: dropped.address), action: .drop)
                ]
            }
        ])
        try await eventually { try samples(stored, "served_by", job: "app", instance: kept.address).count >= 3 }
        #expect(try stored.series(matching: ["instance": dropped.address]).isEmpty)
        await manager.shutdown()
        await kept.stop()
        await dropped.stop()
    }

    @Test func anEditedTargetFileMovesScrapingWithoutAReload() async throws {
        let first = try await MetricsTarget.start("which_target 1\n")
        let second = try await MetricsTarget.start("which_target 2\n")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-filesd-scrape-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("targets.json")
        func pointAt(_ target: MetricsTarget) throws {
            // Written atomically (a rename), as careful tools write target files.
            try "[{\"targets\": [\"\(target.address)\"], \"labels\": {\"team\": \"db\"}}]"
                .write(to: file, atomically: true, encoding: .utf8)
        }
        try pointAt(first)

        let stored = try TemporaryStorage()
        let manager = manager(stored)
        await manager.apply([job("files") { $0.fileSDConfigs = [FileSDConfiguration(files: [folder.path + "/*.json"])] }])
        let fileLabels = ["team": "db"]
        try await eventually {
            try samples(stored, "which_target", job: "files", instance: first.address, fileLabels).last?.value == 1
        }

        try pointAt(second)
        try await eventually {
            try samples(stored, "which_target", job: "files", instance: second.address, fileLabels).last?.value == 2
        }
        // The first target left the file, so its series end with a stale marker, as after a reload.
        try await eventually {
            try samples(stored, "which_target", job: "files", instance: first.address, fileLabels).last?.value.isStaleMarker == true
        }
        try await eventually {
            try samples(stored, "up", job: "files", instance: first.address, fileLabels).last?.value.isStaleMarker == true
        }
        #expect(await manager.targets().first?.active.map(\.target.labels["instance"]) == [second.address])
        await manager.shutdown()
        await first.stop()
        await second.stop()
    }
}
