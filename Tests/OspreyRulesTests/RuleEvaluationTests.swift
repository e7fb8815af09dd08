import Foundation
import OspreyModel
import OspreyTestSupport
import Testing

@testable import OspreyRules

@Suite struct RuleEvaluationTests {
    static let minute: Int64 = 60_000
    /// An hour ago on a whole minute: inside the storage's retention, and whole seconds for `ALERTS_FOR_STATE`.
    static let start: Timestamp = (Date().milliseconds / minute - 60) * minute

    static func group(_ yaml: String) throws -> RuleGroup {
        let file = try RuleFile.parse(yaml, file: "rules.yml")
        return RuleGroup(file: file.path, definition: try #require(file.groups.first), defaultInterval: .seconds(60))
    }

    static func context(_ storage: TemporaryStorage, externalLabels: Labels = Labels()) -> RuleEvaluationContext {
        RuleEvaluationContext(
            queryable: storage.storage, appendable: storage.storage, externalLabels: externalLabels,
            externalURL: "http://osprey.example:9090")
    }

    @Test func aRecordingRuleWritesItsSeriesAndMarksThemStaleWhenTheyGo() throws {
        let storage = try TemporaryStorage()
        let t0 = Self.start
        try storage.add(["__name__": "requests_total", "job": "api", "instance": "a"], at: t0, 3)
        try storage.add(["__name__": "requests_total", "job": "api", "instance": "b"], at: t0, 4)
        try storage.add(["__name__": "requests_total", "job": "db", "instance": "c"], at: t0, 10)
        var group = try Self.group(
            """
            groups:
            - name: g
              rules:
              - record: job:requests_total:sum
                expr: sum by (job) (requests_total)
                labels:
                  source: rule
            """)
        #expect(group.evaluate(at: t0, context: Self.context(storage), restoring: false).isEmpty)
        #expect(try storage.samples(["__name__": "job:requests_total:sum", "job": "api", "source": "rule"]) == [Sample(timestamp: t0, value: 7)])
        #expect(try storage.samples(["__name__": "job:requests_total:sum", "job": "db", "source": "rule"]) == [Sample(timestamp: t0, value: 10)])
        #expect(group.status.rules[0].health == .ok)

        // Past the lookback only `api` has fresh samples: `db`'s recorded series ends with a staleness marker.
        let t1 = t0 + 6 * Self.minute
        try storage.add(["__name__": "requests_total", "job": "api", "instance": "a"], at: t1, 5)
        _ = group.evaluate(at: t1, context: Self.context(storage), restoring: false)
        #expect(try storage.samples(["__name__": "job:requests_total:sum", "job": "api", "source": "rule"]).last == Sample(timestamp: t1, value: 5))
        let db = try storage.samples(["__name__": "job:requests_total:sum", "job": "db", "source": "rule"])
        #expect(db.count == 2)
        #expect(db.last?.timestamp == t1)
        #expect(db.last?.value.isStaleMarker == true)
    }

    @Test func aRuleSeesWhatTheRuleBeforeItWroteInTheSameEvaluation() throws {
        let storage = try TemporaryStorage()
        try storage.add(["__name__": "x", "job": "a"], at: Self.start, 2)
        var group = try Self.group(
            """
            groups:
            - name: g
              rules:
              - record: job:x:double
                expr: x * 2
              - record: job:x:quadruple
                expr: job:x:double * 2
            """)
        _ = group.evaluate(at: Self.start, context: Self.context(storage), restoring: false)
        #expect(try storage.samples(["__name__": "job:x:quadruple", "job": "a"]) == [Sample(timestamp: Self.start, value: 8)])
    }

    @Test func aFailingRuleReportsItsErrorAndTheOthersStillRun() throws {
        let storage = try TemporaryStorage()
        try storage.add(["__name__": "x", "job": "a", "instance": "1"], at: Self.start, 1)
        try storage.add(["__name__": "x", "job": "a", "instance": "2"], at: Self.start, 1)
        var group = try Self.group(
            """
            groups:
            - name: g
              rules:
              - record: clash
                expr: x
                labels:
                  instance: same
              - record: fine
                expr: count(x)
            """)
        _ = group.evaluate(at: Self.start, context: Self.context(storage), restoring: false)
        #expect(group.status.rules[0].health == .err)
        #expect(group.status.rules[0].lastError == "vector contains metrics with the same labelset after applying rule labels")
        #expect(group.status.rules[1].health == .ok)
        #expect(try storage.samples(["__name__": "fine"]) == [Sample(timestamp: Self.start, value: 2)])
    }

    @Test func anAlertGoesFromPendingToFiringToResolved() throws {
        let storage = try TemporaryStorage()
        let down = ["__name__": "up", "job": "node", "instance": "host:9100"]
        var group = try Self.group(
            """
            groups:
            - name: g
              rules:
              - alert: InstanceDown
                expr: up == 0
                for: 2m
                labels:
                  severity: page
                annotations:
                  summary: "Instance {{ $labels.instance }} down"
            """)
        let context = Self.context(storage, externalLabels: Labels(["cluster": "eu"]))
        let t0 = Self.start
        try storage.add(down, at: t0, 0)
        #expect(group.evaluate(at: t0, context: context, restoring: false).isEmpty, "a pending alert is not sent")
        let alertLabels = ["alertname": "InstanceDown", "job": "node", "instance": "host:9100", "severity": "page"]
        #expect(
            try storage.samples(alertLabels.merging(["__name__": "ALERTS", "alertstate": "pending"]) { $1 }) == [Sample(timestamp: t0, value: 1)])
        #expect(
            try storage.samples(alertLabels.merging(["__name__": "ALERTS_FOR_STATE"]) { $1 }) == [Sample(timestamp: t0, value: Double(t0 / 1000))])
        #expect(group.status.rules[0].state == .pending)

        let t1 = t0 + Self.minute
        try storage.add(down, at: t1, 0)
        #expect(group.evaluate(at: t1, context: context, restoring: false).isEmpty)

        let t2 = t0 + 2 * Self.minute
        try storage.add(down, at: t2, 0)
        let fired = group.evaluate(at: t2, context: context, restoring: false)
        let alert = try #require(fired.first)
        #expect(fired.count == 1)
        #expect(alert.labels == Labels(alertLabels.merging(["cluster": "eu"]) { $1 }), "external labels are added to alerts sent out")
        #expect(alert.annotations["summary"] == "Instance host:9100 down")
        #expect(alert.startsAt == Date(milliseconds: t2))
        #expect(alert.endsAt == Date(milliseconds: t2 + 4 * Self.minute), "valid for four resend delays")
        #expect(alert.generatorURL == "http://osprey.example:9090/graph?g0.expr=up%20%3D%3D%200&g0.tab=1")
        #expect(group.status.rules[0].state == .firing)
        let pending = try storage.samples(alertLabels.merging(["__name__": "ALERTS", "alertstate": "pending"]) { $1 })
        #expect(pending.last?.timestamp == t2 && pending.last?.value.isStaleMarker == true, "the pending series ends when the alert fires")
        #expect(try storage.samples(alertLabels.merging(["__name__": "ALERTS", "alertstate": "firing"]) { $1 }) == [Sample(timestamp: t2, value: 1)])

        // Still firing a minute later: not sent again before the resend delay has passed.
        let t3 = t2 + Self.minute
        try storage.add(down, at: t3, 0)
        #expect(group.evaluate(at: t3, context: context, restoring: false).isEmpty)

        let t4 = t3 + Self.minute
        try storage.add(down, at: t4, 1)
        let resolved = group.evaluate(at: t4, context: context, restoring: false)
        #expect(resolved.count == 1)
        #expect(resolved.first?.endsAt == Date(milliseconds: t4))
        #expect(resolved.first?.isResolved(at: Date(milliseconds: t4)) == true)
        #expect(group.status.rules[0].state == .inactive)
        let firing = try storage.samples(alertLabels.merging(["__name__": "ALERTS", "alertstate": "firing"]) { $1 })
        #expect(firing.last?.value.isStaleMarker == true)
    }

    @Test func keepFiringForHoldsAnAlertAfterItsConditionEnds() throws {
        let storage = try TemporaryStorage()
        let series = ["__name__": "errors", "job": "api"]
        var group = try Self.group(
            """
            groups:
            - name: g
              rules:
              - alert: Errors
                expr: errors > 0
                keep_firing_for: 2m
            """)
        let context = Self.context(storage)
        let t0 = Self.start
        try storage.add(series, at: t0, 5)
        #expect(group.evaluate(at: t0, context: context, restoring: false).count == 1, "no `for`: fires at once")
        try storage.add(series, at: t0 + Self.minute, 0)
        _ = group.evaluate(at: t0 + Self.minute, context: context, restoring: false)
        #expect(group.status.rules[0].state == .firing)
        try storage.add(series, at: t0 + 2 * Self.minute, 0)
        _ = group.evaluate(at: t0 + 2 * Self.minute, context: context, restoring: false)
        #expect(group.status.rules[0].state == .firing)
        try storage.add(series, at: t0 + 3 * Self.minute, 0)
        let resolved = group.evaluate(at: t0 + 3 * Self.minute, context: context, restoring: false)
        #expect(group.status.rules[0].state == .inactive)
        #expect(resolved.first?.endsAt == Date(milliseconds: t0 + 3 * Self.minute))
    }

    @Test func forStateIsRestoredAfterARestart() throws {
        let storage = try TemporaryStorage()
        let rule = """
            groups:
            - name: g
              rules:
              - alert: Slow
                expr: latency > 1
                for: 30m
            """
        let series = ["__name__": "latency", "job": "api"]
        let context = Self.context(storage)
        let t0 = Self.start
        var before = try Self.group(rule)
        for minute in 0...4 {
            let time = t0 + Int64(minute) * Self.minute
            try storage.add(series, at: time, 2)
            _ = before.evaluate(at: time, context: context, restoring: false)
        }
        #expect(before.status.rules[0].state == .pending)

        // Down for two minutes; the new process's group takes back the pending time, less the
        // outage (26 minutes still to wait, more than the 10 minute grace period).
        let restart = t0 + 6 * Self.minute
        try storage.add(series, at: restart, 2)
        var after = try Self.group(rule)
        _ = after.evaluate(at: restart, context: context, restoring: true)
        let alert = try #require(after.status.rules[0].alerts.first)
        #expect(alert.activeAt == t0 + 2 * Self.minute, "active since t0, shifted by the two minutes down")
        #expect(after.status.rules[0].state == .pending)

        let fires = t0 + 32 * Self.minute
        try storage.add(series, at: fires, 2)
        #expect(after.evaluate(at: fires, context: context, restoring: false).count == 1, "fires 30m after its restored start")
    }

    @Test func aFiringAlertStaysFiringAcrossARestart() throws {
        let storage = try TemporaryStorage()
        let rule = """
            groups:
            - name: g
              rules:
              - alert: Down
                expr: up == 0
                for: 1m
            """
        let series = ["__name__": "up", "job": "api"]
        let context = Self.context(storage)
        var before = try Self.group(rule)
        for minute in 0...3 {
            let time = Self.start + Int64(minute) * Self.minute
            try storage.add(series, at: time, 0)
            _ = before.evaluate(at: time, context: context, restoring: false)
        }
        #expect(before.status.rules[0].state == .firing)
        let restart = Self.start + 4 * Self.minute
        try storage.add(series, at: restart, 0)
        var after = try Self.group(rule)
        let sent = after.evaluate(at: restart, context: context, restoring: true)
        #expect(after.status.rules[0].state == .firing)
        #expect(sent.count == 1)
        #expect(after.status.rules[0].alerts.first?.activeAt == Self.start)
    }

    @Test func templatesSeeLabelsValueAndExternalLabels() throws {
        let storage = try TemporaryStorage()
        try storage.add(["__name__": "disk_used_ratio", "instance": "db1"], at: Self.start, 0.9123)
        var group = try Self.group(
            """
            groups:
            - name: g
              rules:
              - alert: DiskFull
                expr: disk_used_ratio > 0.9
                labels:
                  summary_level: "{{ if gt $value 0.95 }}critical{{ else }}warning{{ end }}"
                annotations:
                  description: "{{ $labels.instance }} in {{ $externalLabels.cluster }} is {{ $value | humanizePercentage }} full"
            """)
        let sent = group.evaluate(at: Self.start, context: Self.context(storage, externalLabels: Labels(["cluster": "eu"])), restoring: false)
        let alert = try #require(sent.first)
        #expect(alert.labels["summary_level"] == "warning")
        #expect(alert.annotations["description"] == "db1 in eu is 91.23% full")
    }

    @Test func aGroupLimitFailsTheRuleThatExceedsIt() throws {
        let storage = try TemporaryStorage()
        for instance in ["a", "b", "c"] {
            try storage.add(["__name__": "up", "instance": instance], at: Self.start, 0)
        }
        var group = try Self.group(
            """
            groups:
            - name: g
              limit: 2
              rules:
              - alert: Down
                expr: up == 0
            """)
        #expect(group.evaluate(at: Self.start, context: Self.context(storage), restoring: false).isEmpty)
        #expect(group.status.rules[0].health == .err)
        #expect(group.status.rules[0].lastError == "exceeded limit of 2 with 3 alerts")
    }
}
