import Foundation
import Hummingbird
import OspreyGoCompat
import OspreyModel
import OspreyRules
import OspreyScrape

/// `/api/v1/targets`, shaped as Prometheus's: active targets with their labels before and
/// after relabelling and how their last scrape went, and dropped targets; `state` and
/// `scrapePool` narrow it as in Prometheus. With `auth.tokens`, it needs a `query` token.
struct TargetsRoute<Context: RequestContext> {
    let scrape: ScrapeService
    let authorizer: Authorizer

    struct Envelope: ResponseEncodable {
        var status = "success"
        var data: Payload
    }

    struct Payload: Encodable, Sendable {
        var activeTargets: [Active]
        var droppedTargets: [Dropped]
        var droppedTargetCounts: [String: Int]
    }

    struct Active: Encodable, Sendable {
        var discoveredLabels: [String: String]
        var labels: [String: String]
        var scrapePool: String
        var scrapeUrl: String
        var globalUrl: String
        var lastError: String
        var lastScrape: String
        var lastScrapeDuration: Double
        var health: String
        var scrapeInterval: String
        var scrapeTimeout: String
    }

    struct Dropped: Encodable, Sendable {
        var discoveredLabels: [String: String]
    }

    func register(on router: Router<Context>) {
        router.get("/api/v1/targets") { request, _ in
            try authorizer.require(.query, for: request)
            let state = request.uri.queryParameters.get("state") ?? "any"
            guard ["active", "dropped", "any"].contains(state) else {
                throw APIError.badData("state must be active, dropped or any, not \"\(state)\"")
            }
            let pool = request.uri.queryParameters.get("scrapePool")
            let jobs = await scrape.manager.targets().filter { pool == nil || $0.job == pool }
            return Envelope(
                data: Payload(
                    activeTargets: state == "dropped" ? [] : jobs.flatMap { job in job.active.map { Self.active($0, job: job.job) } },
                    droppedTargets: state == "active"
                        ? [] : jobs.flatMap { $0.dropped.map { Dropped(discoveredLabels: Self.dictionary($0.discoveredLabels)) } },
                    droppedTargetCounts: Dictionary(uniqueKeysWithValues: jobs.map { ($0.job, $0.dropped.count) })))
        }
    }

    private static func active(_ state: TargetState, job: String) -> Active {
        Active(
            discoveredLabels: dictionary(state.target.discoveredLabels), labels: dictionary(state.target.labels),
            scrapePool: job, scrapeUrl: state.target.url, globalUrl: state.target.url, lastError: state.health.lastError,
            lastScrape: state.health.lastScrape?.rfc3339Nano ?? GoTime.zero,
            lastScrapeDuration: state.health.lastScrapeDuration, health: state.health.state.rawValue,
            scrapeInterval: state.target.interval.prometheusString, scrapeTimeout: state.target.timeout.prometheusString)
    }

    private static func dictionary(_ labels: Labels) -> [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
