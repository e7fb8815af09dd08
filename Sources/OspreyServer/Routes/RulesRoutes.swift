import Foundation
import Hummingbird
import OspreyGoCompat
import OspreyModel
import OspreyRules

/// `/api/v1/rules` and `/api/v1/alerts`, shaped as Prometheus's: the rule groups with each rule's
/// health and alerts, and the alerts pending or firing now. `type`, `rule_name[]`,
/// `rule_group[]`, `file[]` and `exclude_alerts` narrow the rules as in Prometheus.
struct RulesRoutes<Context: RequestContext> {
    let rules: RuleService
    let gate: QueryGate

    struct Envelope<Payload: Encodable & Sendable>: ResponseEncodable {
        var status = "success"
        var data: Payload
    }

    struct Groups: Encodable, Sendable {
        var groups: [Group]
    }

    struct Group: Encodable, Sendable {
        var name: String
        var file: String
        var rules: [Rule]
        var interval: Double
        var limit: Int
        var evaluationTime: Double
        var lastEvaluation: String
    }

    /// A recording or alerting rule; the alerting fields are left out for recording rules.
    struct Rule: Encodable, Sendable {
        var state: String?
        var name: String
        var query: String
        var duration: Double?
        var keepFiringFor: Double?
        var labels: [String: String]
        var annotations: [String: String]?
        var alerts: [AlertEntry]?
        var health: String
        var lastError: String?
        var evaluationTime: Double
        var lastEvaluation: String
        var type: String
    }

    struct Alerts: Encodable, Sendable {
        var alerts: [AlertEntry]
    }

    struct AlertEntry: Encodable, Sendable {
        var labels: [String: String]
        var annotations: [String: String]
        var state: String
        var activeAt: String
        var keepFiringSince: String?
        var value: String
    }

    func register(on router: Router<Context>) {
        router.get("/api/v1/rules") { request, context in
            try await gate.handle(request) { admitted in
                let form = admitted.form
                let type = form.all("type").first
                guard type == nil || type == "alert" || type == "record" else {
                    throw APIError.badData("unsupported type \"\(type ?? "")\", must be alert or record")
                }
                let names = Set(form.all("rule_name[]"))
                let groupNames = Set(form.all("rule_group[]"))
                let files = Set(form.all("file[]"))
                let excludeAlerts = form.all("exclude_alerts").first == "true"
                let groups = await statuses().compactMap { group -> Group? in
                    guard groupNames.isEmpty || groupNames.contains(group.name), files.isEmpty || files.contains(group.file) else {
                        return nil
                    }
                    let rules = group.rules.filter { rule in
                        (names.isEmpty || names.contains(rule.definition.name))
                            && (type == nil || (type == "alert") == (rule.definition.kind == .alerting))
                    }
                    if rules.isEmpty, !(names.isEmpty && type == nil) { return nil }
                    return Group(
                        name: group.name, file: group.file, rules: rules.map { Self.rule($0, excludeAlerts: excludeAlerts) },
                        interval: group.interval.seconds, limit: group.limit, evaluationTime: group.evaluationDuration.seconds,
                        lastEvaluation: Self.time(group.lastEvaluation))
                }
                return try Envelope(data: Groups(groups: groups)).response(from: request, context: context)
            }
        }
        router.get("/api/v1/alerts") { request, context in
            try await gate.handle(request) { _ in
                let alerts = await statuses().flatMap { $0.rules.flatMap { $0.alerts.map(Self.alert) } }
                return try Envelope(data: Alerts(alerts: alerts)).response(from: request, context: context)
            }
        }
    }

    private func statuses() async -> [RuleGroupStatus] {
        await rules.manager?.groups() ?? []
    }

    private static func rule(_ status: RuleStatus, excludeAlerts: Bool) -> Rule {
        let definition = status.definition
        let isAlerting = definition.kind == .alerting
        return Rule(
            state: isAlerting ? (status.state ?? .inactive).rawValue : nil, name: definition.name,
            query: definition.expr.description, duration: isAlerting ? definition.holdDuration.seconds : nil,
            keepFiringFor: isAlerting ? definition.keepFiringFor.seconds : nil, labels: dictionary(definition.labels),
            annotations: isAlerting ? dictionary(definition.annotations) : nil,
            alerts: isAlerting ? (excludeAlerts ? [] : status.alerts.map(alert)) : nil, health: status.health.rawValue,
            lastError: status.lastError, evaluationTime: status.evaluationDuration.seconds,
            lastEvaluation: time(status.lastEvaluation), type: isAlerting ? "alerting" : "recording")
    }

    private static func alert(_ alert: RuleAlert) -> AlertEntry {
        AlertEntry(
            labels: dictionary(alert.labels), annotations: dictionary(alert.annotations), state: alert.state.rawValue,
            activeAt: Date(timeIntervalSince1970: Double(alert.activeAt) / 1000).rfc3339Nano,
            keepFiringSince: alert.keepFiringSince.map { Date(timeIntervalSince1970: Double($0) / 1000).rfc3339Nano },
            value: alert.value.goExponentString)
    }

    private static func time(_ date: Date?) -> String {
        date?.rfc3339Nano ?? GoTime.zero
    }

    private static func dictionary(_ labels: Labels) -> [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
