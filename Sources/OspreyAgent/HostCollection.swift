import Foundation
import Logging
import NIOPosix
import OspreyFormats
import OspreyModel
import OspreyStorage

/// Collects the host's metrics (and the agent's own) every interval, at a place in the interval
/// fixed by the host's name, and appends them with the moment of collection.
struct HostCollection: Sendable {
    let collectors: HostCollectors
    let selfMetrics: AgentSelfMetrics
    let appendable: any Appendable
    let interval: Duration
    let offset: UInt64
    let logger: Logger

    func run() async {
        var metadataSentAt: ContinuousClock.Instant?
        while !Task.isCancelled {
            let delay = StableSchedule.delay(untilOffset: offset, interval: interval, now: Int64(Date().timeIntervalSince1970 * 1e9))
            do { try await Task.sleep(for: delay) } catch { return }
            let now = ContinuousClock.now
            let withMetadata = metadataSentAt.map { now - $0 >= MetricMetadata.resendInterval } ?? true
            if withMetadata { metadataSentAt = now }
            await collectOnce(withMetadata: withMetadata)
            // Past this instant, so that the next delay is a whole interval.
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    func collectOnce(withMetadata: Bool = false) async {
        let time = SystemClock().now()
        let collectors = self.collectors
        // The collectors block on files and statvfs: off the cooperative pool.
        let host = (try? await NIOThreadPool.singleton.runIfActive { collectors.collect() }) ?? []
        var appender = appendable.appender()
        let families = host + selfMetrics.families
        if withMetadata {
            appender.updateMetadata(
                Dictionary(
                    families.map { ($0.name, MetricMetadata(type: $0.type, help: $0.help ?? "", unit: $0.unit ?? "")) },
                    uniquingKeysWith: { $1 }))
        }
        for family in families {
            for sample in family.samples {
                _ = try? appender.append(sample.labels, timestamp: sample.timestamp ?? time, value: sample.value)
            }
        }
        do {
            try appender.commit()
        } catch {
            logger.error("host metrics not queued", metadata: ["error": "\(error)"])
        }
    }
}
