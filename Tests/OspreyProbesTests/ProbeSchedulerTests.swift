import Foundation
import Logging
import OspreyModel
import OspreyProbes
import OspreyTestSupport
import Synchronization
import Testing

@Suite struct ProbeSchedulerTests {
    /// Counts the probes run per target; the target named `hang` never answers in time.
    final class FakeTargets: Sendable {
        let runs = Mutex<[String: Int]>([:])

        func probe(_ probe: ScheduledProbe) async -> ProbeResult {
            runs.withLock { $0[probe.target, default: 0] += 1 }
            if probe.target == "hang" {
                try? await Task.sleep(for: .seconds(30))
                return ProbeResult(success: false, duration: .seconds(30), metrics: [], failure: "timeout")
            }
            return ProbeResult(
                success: probe.target != "down", duration: .milliseconds(3),
                metrics: [ProbeMetric(name: "probe_http_status_code", value: probe.target == "down" ? 500 : 200, help: "")],
                failure: probe.target == "down" ? "status code 500 not in valid_status_codes" : nil)
        }
    }

    @Test func eachTargetIsProbedOncePerIntervalAndAHangingOneDelaysNoOther() async throws {
        let folder = try TemporaryStorage()
        let storage = folder.storage
        let targets = FakeTargets()
        let scheduler = ProbeScheduler(storage: { storage }, maxConcurrent: { 4 }, logger: Logger(label: "test")) { probe in
            await targets.probe(probe)
        }
        let probes = ["up", "down", "hang"].map {
            ScheduledProbe(job: "web", module: "http_2xx", target: $0, interval: .seconds(1), labels: Labels(["team": "a"]))
        }
        await scheduler.apply(probes)
        // Several turns of every target, however busy the machine is.
        try await eventually(timeout: .seconds(90)) {
            let statuses = await scheduler.statuses()
            return statuses.allSatisfy { $0.probe.target == "hang" || $0.runs >= 4 }
        }
        let statuses = await scheduler.statuses()
        await scheduler.shutdown()

        // At most one probe per turn, and the hanging target takes no turn of the others. (The
        // exact count over a fixed span is checked against a real server in ProbeIntegrationTests;
        // here the whole suite shares two cores, so only the proportions are certain.)
        let runs = targets.runs.withLock { $0 }
        let up = runs["up"] ?? 0
        #expect(abs(up - (runs["down"] ?? 0)) <= 1)
        #expect(runs["hang"] == 1, "a probe still running is not started again")
        let hang = try #require(statuses.first { $0.probe.target == "hang" })
        // Its turns are skipped and counted; how many lags `up`'s by however late a loaded machine
        // runs each target's timer, so only that some were is certain here.
        #expect(hang.skipped >= 1, "later turns of the hanging target are skipped and counted (up ran \(up) times)")

        let down = try #require(statuses.first { $0.probe.target == "down" })
        #expect(down.lastSucceeded == false)
        #expect(down.lastError == "status code 500 not in valid_status_codes")
        #expect(down.lastSuccess == nil)
        #expect(statuses.first { $0.probe.target == "up" }?.lastSuccess != nil)

        // Stored as Prometheus would store blackbox exporter's answers for these targets.
        let querier = storage.querier(minTime: .min, maxTime: .max)
        let success = try querier.select([.equal("__name__", "probe_success"), .equal("instance", "down")])
        #expect(success.first?.labels == Labels(["__name__": "probe_success", "job": "web", "instance": "down", "team": "a"]))
        #expect(success.first?.samples.allSatisfy { $0.value == 0 } == true)
        #expect(success.first?.samples.count == runs["down"])
        let status = try querier.select([.equal("__name__", "probe_http_status_code"), .equal("instance", "up")])
        #expect(status.first?.samples.last?.value == 200)
    }

    /// Probes never finish here: only `max_concurrent` of them start, the rest wait for a slot and
    /// their later turns are skipped, not stacked.
    @Test func noMoreThanMaxConcurrentProbesRunAtOnce() async throws {
        let folder = try TemporaryStorage()
        let storage = folder.storage
        let started = Mutex(0)
        let scheduler = ProbeScheduler(storage: { storage }, maxConcurrent: { 2 }, logger: Logger(label: "test")) { probe in
            started.withLock { $0 += 1 }
            try? await Task.sleep(for: .seconds(120))
            return ProbeResult(success: false, duration: .seconds(120), metrics: [], failure: "timeout")
        }
        await scheduler.apply(
            (1...5).map {
                ScheduledProbe(job: "web", module: "http_2xx", target: "hang-\($0)", interval: .seconds(1), labels: Labels())
            })
        // Every target has had a second turn: each has its first probe running or waiting.
        try await eventually(timeout: .seconds(90)) {
            await scheduler.statuses().allSatisfy { $0.skipped >= 1 }
        }
        #expect(started.withLock { $0 } == 2)
        await scheduler.shutdown()
    }
}
