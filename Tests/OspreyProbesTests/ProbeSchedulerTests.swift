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
                // Until the scheduler stops: no answer within any turn.
                try? await Task.sleep(for: .seconds(3600))
                return ProbeResult(success: false, duration: .seconds(3600), metrics: [], failure: "timeout")
            }
            return ProbeResult(
                success: probe.target != "down", duration: .milliseconds(3),
                metrics: [ProbeMetric(name: "probe_http_status_code", value: probe.target == "down" ? 500 : 200, help: "")],
                failure: probe.target == "down" ? "status code 500 not in valid_status_codes" : nil)
        }
    }

    /// On a test clock moved a turn at a time: every target is probed once a turn, and one that
    /// hangs is started once and then skipped, each skip counted, without delaying the others.
    @Test func eachTargetIsProbedOncePerTurnAndAHangingOneDelaysNoOther() async throws {
        let folder = try TemporaryStorage()
        let storage = folder.storage
        let targets = FakeTargets()
        // Starting now, so that the storage (on the system's clock) keeps what the probes write.
        let clock = TestClock(SystemClock().now())
        let scheduler = ProbeScheduler(storage: { storage }, maxConcurrent: { 4 }, logger: Logger(label: "test"), clock: clock) { probe in
            await targets.probe(probe)
        }
        let probes = ["up", "down", "hang"].map {
            ScheduledProbe(job: "web", module: "http_2xx", target: $0, interval: .seconds(1), labels: Labels(["team": "a"]))
        }
        await scheduler.apply(probes)
        let turns = 10
        for turn in 1...turns {
            // Every loop waits for its next turn before the clock moves a whole interval on.
            try await eventually { clock.sleeperCount == probes.count }
            clock.advance(by: .seconds(1))
            try await eventually {
                let runs = targets.runs.withLock { $0 }
                return runs["up"] == turn && runs["down"] == turn
            }
        }
        try await eventually { clock.sleeperCount == probes.count }
        let statuses = await scheduler.statuses()
        await scheduler.shutdown()

        let runs = targets.runs.withLock { $0 }
        #expect(runs == ["up": turns, "down": turns, "hang": 1], "a probe still running is not started again")
        let hang = try #require(statuses.first { $0.probe.target == "hang" })
        #expect(hang.skipped == turns - 1, "each later turn of the hanging target is skipped and counted")

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
