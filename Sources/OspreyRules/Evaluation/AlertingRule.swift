import Foundation
import OspreyGoCompat
import OspreyModel
import OspreyNotification
import OspreyQuery

/// An `alert:` rule and its alerts, moving through Prometheus's states: a series of the result
/// makes an alert pending, `for` later it fires, and once the series is gone (and
/// `keep_firing_for` has passed) it is resolved and kept a while to be notified as such.
struct AlertingRule: Sendable {
    static let alertsMetric = "ALERTS"
    static let forStateMetric = "ALERTS_FOR_STATE"
    static let alertStateLabel = "alertstate"
    static let alertNameLabel = "alertname"
    /// How long a resolved alert is still sent, so that a receiver that missed it hears of it.
    static let resolvedRetention: Int64 = 15 * 60_000

    let definition: RuleDefinition
    private let labelTemplates: [(name: String, template: Result<AlertTemplate, TemplateError>)]
    private let annotationTemplates: [(name: String, template: Result<AlertTemplate, TemplateError>)]
    private(set) var active: [Labels: RuleAlert] = [:]

    init(_ definition: RuleDefinition, groupLabels: Labels) {
        self.definition = definition
        let templateName = "__alert_\(definition.name)"
        func parsed(_ labels: Labels) -> [(name: String, template: Result<AlertTemplate, TemplateError>)] {
            labels.map { label in
                (label.name, Result { () throws(TemplateError) in try AlertTemplate(label.value, name: templateName) })
            }
        }
        labelTemplates = parsed(groupLabels.merging(definition.labels))
        annotationTemplates = parsed(definition.annotations)
    }

    var holdDuration: Int64 { definition.holdDuration.milliseconds }
    var keepFiringFor: Int64 { definition.keepFiringFor.milliseconds }

    /// The rule's state: the most severe of its alerts'.
    var state: AlertState {
        active.values.reduce(.inactive) { worst, alert in
            alert.state == .firing || worst == .firing ? .firing : (alert.state == .pending ? .pending : worst)
        }
    }

    /// Evaluates the rule at `time` and moves its alerts on; returns the `ALERTS` and
    /// `ALERTS_FOR_STATE` samples of the alerts now pending or firing.
    mutating func evaluate(at time: Timestamp, context: RuleEvaluationContext, limit: Int) throws(RuleEvaluationError) -> [VectorElement] {
        let result = try context.vector(definition.expr, at: time)
        var current: [Labels: RuleAlert] = [:]
        for sample in result {
            let data = TemplateData(
                labels: sample.labels.dictionary, externalLabels: context.externalLabels.dictionary,
                externalURL: context.externalURL, value: sample.value)
            let query = Self.templateQuery(at: time, context: context)
            var labels = sample.labels.removing(Labels.metricName)
            for (name, template) in labelTemplates {
                labels = labels.setting(name, to: Self.expand(template, data, query))
            }
            labels = labels.setting(Self.alertNameLabel, to: definition.name)
            let annotations = Labels(annotationTemplates.map { Label($0.name, Self.expand($0.template, data, query)) })
            guard current[labels] == nil else { throw .duplicateLabelSet("alert") }
            current[labels] = RuleAlert(labels: labels, annotations: annotations, state: .pending, activeAt: time, value: sample.value)
        }

        for (labels, fresh) in current {
            if var alert = active[labels], alert.state != .inactive {
                alert.value = fresh.value
                alert.annotations = fresh.annotations
                alert.keepFiringSince = nil
                active[labels] = alert
            } else {
                active[labels] = fresh
            }
        }

        var samples: [VectorElement] = []
        for (labels, var alert) in active {
            if current[labels] == nil {
                var keepFiring = false
                if alert.state == .firing, keepFiringFor > 0 {
                    let since = alert.keepFiringSince ?? time
                    alert.keepFiringSince = since
                    keepFiring = time - since < keepFiringFor
                }
                if !keepFiring {
                    if alert.state == .pending
                        || (alert.resolvedAt.map { time - $0 > Self.resolvedRetention } ?? false)
                    {
                        active[labels] = nil
                        continue
                    }
                    if alert.state != .inactive {
                        alert.state = .inactive
                        alert.resolvedAt = time
                    }
                    active[labels] = alert
                    continue
                }
            }
            if alert.state == .pending, time - alert.activeAt >= holdDuration {
                alert.state = .firing
                alert.firedAt = time
            }
            active[labels] = alert
            samples.append(VectorElement(labels: seriesLabels(alert, metric: Self.alertsMetric), timestamp: time, value: 1))
            samples.append(
                VectorElement(
                    labels: seriesLabels(alert, metric: Self.forStateMetric), timestamp: time,
                    value: Double(alert.activeAt.floorDivided(by: 1000))))
        }

        let pendingOrFiring = active.values.count { $0.state != .inactive }
        if limit > 0, pendingOrFiring > limit {
            active = [:]
            throw .limitExceeded(limit: limit, count: pendingOrFiring, what: "alerts")
        }
        return samples
    }

    /// The alerts the notifier should hear of at `time`, marked as sent.
    mutating func alertsToSend(at time: Timestamp, interval: Int64, context: RuleEvaluationContext) -> [Alert] {
        let resendDelay = context.resendDelay.milliseconds
        let generatorURL = Self.generatorURL(context.externalURL, expression: definition.exprText)
        var alerts: [Alert] = []
        for (labels, var alert) in active where alert.needsSending(at: time, resendDelay: resendDelay) {
            alert.lastSentAt = time
            alert.validUntil = time + 4 * max(resendDelay, interval)
            active[labels] = alert
            let outgoing = context.externalLabels.reduce(alert.labels) { labels, external in
                labels[external.name] == nil ? labels.setting(external.name, to: external.value) : labels
            }
            alerts.append(
                Alert(
                    labels: outgoing, annotations: alert.annotations,
                    startsAt: Date(milliseconds: alert.firedAt ?? alert.activeAt),
                    endsAt: Date(milliseconds: alert.resolvedAt ?? alert.validUntil), generatorURL: generatorURL))
        }
        return alerts.sorted { Labels.prometheusOrder($0.labels, $1.labels) }
    }

    /// Takes over the alerts of the same rule from before a config reload.
    mutating func inherit(_ alerts: [Labels: RuleAlert]) {
        active = alerts
    }

    /// Prometheus's `RestoreForState`: after a restart, a pending or firing alert takes back the
    /// time it became active from its last `ALERTS_FOR_STATE` sample, less the time Osprey was
    /// down, so that `for` does not start over.
    mutating func restoreForState(at time: Timestamp, context: RuleEvaluationContext) {
        guard holdDuration > 0 else { return }
        let tolerance = context.outageTolerance.milliseconds
        let grace = context.forGracePeriod.milliseconds
        let querier = context.queryable.querier(minTime: time - tolerance, maxTime: time - 1)
        for (labels, var alert) in active where alert.state == .pending {
            let matchers = seriesLabels(alert, metric: Self.forStateMetric).map { LabelMatcher.equal($0.name, $0.value) }
            guard let series = try? querier.select(matchers).first,
                let last = series.samples.last(where: { !$0.value.isNaN })
            else { continue }
            let downAt = last.timestamp
            var restoredActiveAt = Timestamp(last.value) * 1000
            let remaining = holdDuration - (downAt - restoredActiveAt)
            if remaining <= 0 {
                // It was firing already: it stays so.
            } else if remaining < grace {
                restoredActiveAt = time + grace - holdDuration
            } else {
                restoredActiveAt += time - downAt
            }
            alert.activeAt = restoredActiveAt
            if time - alert.activeAt >= holdDuration {
                alert.state = .firing
                alert.firedAt = time
            }
            active[labels] = alert
        }
    }

    private func seriesLabels(_ alert: RuleAlert, metric: String) -> Labels {
        var labels = alert.labels.setting(Labels.metricName, to: metric)
        if metric == Self.alertsMetric {
            labels = labels.setting(Self.alertStateLabel, to: alert.state.rawValue)
        }
        return labels
    }

    private static func expand(
        _ template: Result<AlertTemplate, TemplateError>, _ data: TemplateData, _ query: @escaping TemplateQuery
    ) -> String {
        do {
            return try template.get().render(data, query: query)
        } catch {
            return "<error expanding template: \(error)>"
        }
    }

    /// The `query` template function: an instant query at the evaluation's time.
    private static func templateQuery(at time: Timestamp, context: RuleEvaluationContext) -> TemplateQuery {
        { text in
            let expr = try PromQL.parse(text)
            return try context.vector(expr, at: time).map { TemplateSample(labels: $0.labels.dictionary, value: $0.value) }
        }
    }

    /// Prometheus's link to the expression, `<external URL>/graph?g0.expr=…&g0.tab=1`.
    static func generatorURL(_ externalURL: String, expression: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = expression.addingPercentEncoding(withAllowedCharacters: allowed) ?? expression
        let base = externalURL.hasSuffix("/") ? String(externalURL.dropLast()) : externalURL
        return "\(base)/graph?g0.expr=\(encoded)&g0.tab=1"
    }
}

extension Labels {
    /// The labels as a dictionary, as templates see them.
    var dictionary: [String: String] {
        Dictionary(map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }
}

extension Date {
    init(milliseconds: Timestamp) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    var milliseconds: Timestamp { Timestamp((timeIntervalSince1970 * 1000).rounded()) }
}
