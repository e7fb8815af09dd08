import Foundation
import Logging
import OspreyConfig
import OspreyFormats
import OspreyModel
import OspreyStorage
import Synchronization

/// Scrapes one target at its place in the interval until cancelled, storing each scrape whole
/// with Prometheus's report series (`up`, `scrape_duration_seconds`, …) and staleness markers
/// for series that disappear, or all of them when the scrape fails.
final class ScrapeLoop: Sendable {
    let target: ScrapeTarget
    private let job: ScrapeConfiguration
    private let client: ScrapeClient
    private let metricRelabeler: Relabeler
    private let storage: @Sendable () -> (any Appendable)?
    private let logger: Logger
    private let health = Mutex(TargetHealth())
    /// Set when the target is gone for good, so that the loop's end marks its series stale.
    private let ended = Atomic(false)

    init(
        target: ScrapeTarget, job: ScrapeConfiguration, client: ScrapeClient, metricRelabeler: Relabeler,
        storage: @escaping @Sendable () -> (any Appendable)?, logger: Logger
    ) {
        self.target = target
        self.job = job
        self.client = client
        self.metricRelabeler = metricRelabeler
        self.storage = storage
        self.logger = logger
    }

    var currentHealth: TargetHealth { health.withLock { $0 } }

    /// The target left the config or discovery: its series are to end with the loop.
    func markEnded() {
        ended.store(true, ordering: .relaxed)
    }

    func run() async {
        var cache = SeriesCache()
        var reports = ReportSeries(target: target.labels)
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: delayToNextSlot())
            } catch {
                break
            }
            await scrape(&cache, &reports)
        }
        if ended.load(ordering: .relaxed) {
            endSeries(cache, reports, at: SystemClock().now())
        }
    }

    /// Scrapes fall at the same offset in every interval, found from the target's hash, so a
    /// job's targets spread over the interval and keep their place across restarts.
    private func delayToNextSlot() -> Duration {
        StableSchedule.delay(
            untilOffset: target.stableHash, interval: target.interval, now: Int64(Date().timeIntervalSince1970 * 1e9))
    }

    private func scrape(_ cache: inout SeriesCache, _ reports: inout ReportSeries) async {
        let started = Date()
        let timestamp = Timestamp(started.timeIntervalSince1970 * 1000)
        guard let storage = storage() else { return }
        var appender = storage.appender()
        var counts = ScrapeCounts()
        var failure: ScrapeError?
        do throws(ScrapeError) {
            let fetched = try await client.fetch(target)
            try append(fetched, at: timestamp, to: &appender, cache: &cache, counts: &counts)
            markStale(cache.vanished, at: timestamp, to: &appender, cache: &cache)
        } catch {
            failure = error
            appender.rollback()
            markStale(cache.previous, at: timestamp, to: &appender, cache: &cache)
        }
        let duration = Date().timeIntervalSince(started)
        reports.append(up: failure == nil, duration: duration, counts: counts, at: timestamp, to: &appender, logger: logger)
        do {
            try appender.commit()
        } catch {
            logger.error("scrape not stored", metadata: ["target": "\(target.url)", "error": "\(error)"])
            failure = failure ?? .storage("scrape not stored: \(error)")
        }
        if failure == nil { cache.commitScrape() } else { cache.failScrape() }
        health.withLock {
            $0 = TargetHealth(
                state: failure == nil ? .up : .down, lastError: failure?.description ?? "", lastScrape: started,
                lastScrapeDuration: duration)
        }
    }

    /// Stages a scrape's samples; throws, staging nothing usable, when the body is malformed or
    /// over the sample limit.
    private func append(
        _ fetched: ScrapeClient.Fetched, at timestamp: Timestamp, to appender: inout any Appender,
        cache: inout SeriesCache, counts: inout ScrapeCounts
    ) throws(ScrapeError) {
        var parser = ExpositionParser(bytes: fetched.body, format: fetched.format)
        parser.digestsComments = true
        cache.beginScrape()
        while true {
            let numbered: NumberedSample
            do throws(ExpositionError) {
                guard let next = try cache.nextSample(&parser) else { break }
                numbered = next
            } catch {
                throw .parse("line \(error.line): \(error.reason)")
            }
            counts.scraped += 1
            let entry = cache.entry(numbered.series) { bytes in
                (try? ExpositionParser.labels(ofSeries: bytes, format: fetched.format)).flatMap(self.finalLabels)
            }
            guard entry.labels != nil else { continue }
            counts.postRelabel += 1
            if job.sampleLimit > 0, counts.postRelabel > job.sampleLimit { continue }
            let seen = cache.markSeen(numbered.series)
            guard seen.first else { continue }
            if !seen.wasInPrevious { counts.added += 1 }
            let sampleTime = job.honorTimestamps ? numbered.sample.timestamp ?? timestamp : timestamp
            try? appendSample(numbered.series, sampleTime, numbered.sample.value, to: &appender, cache: &cache)
        }
        if job.sampleLimit > 0, counts.postRelabel > job.sampleLimit {
            throw .sampleLimit("sample limit exceeded: \(counts.postRelabel) samples, sample_limit is \(job.sampleLimit)")
        }
        let now = ContinuousClock.now
        if let sentAt = cache.metadataSentAt, now - sentAt >= MetricMetadata.resendInterval {
            appender.updateMetadata(cache.metadata)
            cache.metadataSentAt = now
        }
        if parser.commentDigest.value != cache.commentDigest,
            let metadata = try? ExpositionParser.metadata(of: fetched.body, format: fetched.format)
        {
            appender.updateMetadata(metadata.filter { cache.metadata[$0.key] != $0.value })
            cache.metadata = metadata
            cache.commentDigest = parser.commentDigest.value
            cache.metadataSentAt = cache.metadataSentAt ?? now
        }
    }

    private func appendSample(
        _ number: Int32, _ timestamp: Timestamp, _ value: Double, to appender: inout any Appender,
        cache: inout SeriesCache
    ) throws(StorageError) {
        // The labels are looked at only without a reference: on the hot path, a copy of them
        // per sample is a retain and a release too many.
        if let ref = cache.ref(of: number) {
            let kept = try appender.append(ref, labels: cache.labels(of: number) ?? Labels(), timestamp: timestamp, value: value)
            if kept != ref { cache.remember(kept, for: number) }
        } else if let labels = cache.labels(of: number) {
            cache.remember(try appender.append(labels, timestamp: timestamp, value: value), for: number)
        }
    }

    /// Staleness markers for these series, so queries stop returning them from `timestamp`.
    private func markStale(
        _ numbers: [Int32], at timestamp: Timestamp, to appender: inout any Appender, cache: inout SeriesCache
    ) {
        for number in numbers {
            try? appendSample(number, timestamp, .staleMarker, to: &appender, cache: &cache)
        }
    }

    /// A scraped series' labels with the target's added as Prometheus adds them (with
    /// `honor_labels` the scraped ones win; without, a clashing scraped label is kept as
    /// `exported_<name>`), then metric relabelling; nil when it drops the series.
    private func finalLabels(_ scraped: Labels) -> Labels? {
        var result = scraped
        if job.honorLabels {
            for label in target.labels where scraped[label.name] == nil {
                result = result.setting(label.name, to: label.value)
            }
        } else {
            var clashes: [Label] = []
            for label in target.labels {
                if let existing = scraped[label.name], !existing.isEmpty { clashes.append(Label(label.name, existing)) }
                result = result.setting(label.name, to: label.value)
            }
            for clash in clashes {
                var name = "exported_" + clash.name
                while result[name] != nil { name = "exported_" + name }
                result = result.setting(name, to: clash.value)
            }
        }
        result = Labels(result.filter { !$0.value.isEmpty })
        return metricRelabeler.process(result)
    }

    /// Staleness markers for every series of the last scrape and for the report series, when
    /// the target is gone. The report series end even when the last scrape failed (as one cut
    /// short by the stop does), which leaves no scraped series to end.
    private func endSeries(_ cache: SeriesCache, _ reports: ReportSeries, at timestamp: Timestamp) {
        guard let storage = storage(), !cache.previous.isEmpty || reports.wereWritten else { return }
        var cache = cache
        var reports = reports
        var appender = storage.appender()
        markStale(cache.previous, at: timestamp, to: &appender, cache: &cache)
        reports.appendStale(at: timestamp, to: &appender)
        do {
            try appender.commit()
        } catch {
            logger.error("staleness markers not stored", metadata: ["target": "\(target.url)", "error": "\(error)"])
        }
    }
}

/// What one scrape counted, for its report series.
struct ScrapeCounts {
    var scraped = 0
    var postRelabel = 0
    var added = 0
}
