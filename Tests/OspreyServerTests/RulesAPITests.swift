import Foundation
import OspreyFormats
import OspreyTestSupport
import Testing

/// Rules in a running server: loaded from `rule_files`, evaluated on the evaluation interval, and
/// shown by `/api/v1/rules` and `/api/v1/alerts` as Prometheus shows them.
@Suite struct RulesAPITests {
    static let rules = """
        groups:
        - name: lab
          rules:
          - record: room:temperature:max
            expr: max by (room) (temperature)
          - alert: TooHot
            expr: temperature > 80
            labels:
              severity: page
            annotations:
              summary: "{{ $labels.room }} is at {{ $value }} degrees"
        """

    static func config(rulesAt path: String) -> String {
        "global:\n  evaluation_interval: 1s\nrule_files:\n  - \(path)\n"
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func rulesAreEvaluatedAndShownAsPrometheusShowsThem() async throws {
        let folder = try TemporaryFolder()
        let rulesPath = folder.path + "/lab.rules.yml"
        try Self.rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        try await TestServer.with(config: Self.config(rulesAt: rulesPath)) { server in
            #expect(try await server.post("/api/v1/import/prometheus", body: "temperature{room=\"lab\"} 90\n").status == 204)

            try await server.eventually {
                try await server.get("/api/v1/alerts").body.contains("\"state\":\"firing\"")
            }
            let alerts = try Self.json(try await server.get("/api/v1/alerts").body)
            let alert = try #require(((alerts["data"] as? [String: Any])?["alerts"] as? [[String: Any]])?.first)
            #expect(alert["labels"] as? [String: String] == ["alertname": "TooHot", "room": "lab", "severity": "page"])
            #expect(alert["annotations"] as? [String: String] == ["summary": "lab is at 90 degrees"])
            #expect(alert["value"] as? String == "9e+01")
            #expect((alert["activeAt"] as? String)?.hasSuffix("Z") == true)

            let rules = try Self.json(try await server.get("/api/v1/rules").body)
            let group = try #require(((rules["data"] as? [String: Any])?["groups"] as? [[String: Any]])?.first)
            #expect(group["name"] as? String == "lab")
            #expect(group["file"] as? String == rulesPath)
            #expect(group["interval"] as? Double == 1)
            let entries = try #require(group["rules"] as? [[String: Any]])
            #expect(entries.map { $0["type"] as? String } == ["recording", "alerting"])
            #expect(entries[0]["query"] as? String == "max by (room) (temperature)")
            #expect(entries[0]["health"] as? String == "ok")
            #expect(entries[1]["state"] as? String == "firing")
            #expect(entries[1]["duration"] as? Double == 0)
            #expect((entries[1]["alerts"] as? [Any])?.count == 1)

            let onlyAlerts = try Self.json(try await server.get("/api/v1/rules?type=alert").body)
            let filtered = ((onlyAlerts["data"] as? [String: Any])?["groups"] as? [[String: Any]])?.first?["rules"] as? [[String: Any]]
            #expect(filtered?.map { $0["name"] as? String } == ["TooHot"])

            // The recorded series and the ALERTS series are in storage, queryable as in Prometheus.
            let recorded = try await server.get("/api/v1/query?query=room:temperature:max").body
            #expect(recorded.contains(#""room":"lab""#) && recorded.contains(#""90""#))
            let series = try await server.get("/api/v1/query?query=ALERTS").body
            #expect(series.contains(#""alertstate":"firing""#) && series.contains(#""alertname":"TooHot""#))

            // Osprey's own metrics tell how the group is doing, labelled as Prometheus labels its own.
            let metrics = try await server.get("/metrics").body
            #expect(metrics.contains("osprey_rule_group_last_duration_seconds{rule_group=\"\(rulesPath);lab\"}"))
            #expect(metrics.contains("osprey_rule_group_failing_rules{rule_group=\"\(rulesPath);lab\"} 0"))
        }
    }

    @Test func ospreysOwnMetricsCountEvaluationsAndFailuresPerGroup() async throws {
        let folder = try TemporaryFolder()
        let rulesPath = folder.path + "/counted.rules.yml"
        // The second rule returns two series where the group's limit is one: it fails every time.
        try """
        groups:
        - name: counted
          limit: 1
          rules:
          - record: one_series
            expr: vector(1)
          - record: two_series
            expr: label_replace(vector(1), "copy", "a", "", "") or label_replace(vector(1), "copy", "b", "", "")
        """.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        try await TestServer.with(config: Self.config(rulesAt: rulesPath)) { server in
            @Sendable func value(_ name: String, in metrics: String) -> Double? {
                ExpositionParser.value(of: name, labels: ["rule_group": "\(rulesPath);counted"], in: metrics)
            }
            try await server.eventually(timeout: .seconds(60)) {
                (value("osprey_rule_group_iterations_total", in: try await server.get("/metrics").body) ?? 0) >= 3
            }
            let metrics = try await server.get("/metrics").body
            let iterations = try #require(value("osprey_rule_group_iterations_total", in: metrics))
            #expect(value("osprey_rule_evaluations_total", in: metrics) == 2 * iterations)
            #expect(value("osprey_rule_evaluation_failures_total", in: metrics) == iterations)
            #expect(value("osprey_rule_group_iterations_missed_total", in: metrics) != nil)
            #expect(value("osprey_rule_group_failing_rules", in: metrics) == 1)
        }
    }

    @Test func aBadRuleFileRefusesTheReloadAndTheOldRulesKeepRunning() async throws {
        let folder = try TemporaryFolder()
        let rulesPath = folder.path + "/lab.rules.yml"
        try Self.rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        try await TestServer.with(config: Self.config(rulesAt: rulesPath)) { server in
            try "groups:\n- name: lab\n  rules:\n  - alert: Broken\n    expr: rate(x[5m]\n"
                .write(toFile: rulesPath, atomically: true, encoding: .utf8)
            let reply = try await server.post("/-/reload")
            #expect(reply.status == 500)
            #expect(reply.body.contains("lab.rules.yml:5: groups[0].rules[0].expr: could not parse expression"), "\(reply.body)")
            try await server.eventually {
                try await server.get("/api/v1/rules").body.contains("\"lastEvaluation\":\"2")
            }
            #expect(try await server.get("/api/v1/rules").body.contains("TooHot"))
        }
    }

    @Test func checkRulesReportsEachFileAsPromtoolDoes() async throws {
        let folder = try TemporaryFolder()
        let good = folder.path + "/good.yml"
        let bad = folder.path + "/bad.yml"
        try Self.rules.write(toFile: good, atomically: true, encoding: .utf8)
        try "groups:\n- name: a\n  rules:\n  - record: x\n    expr: sum(\n".write(toFile: bad, atomically: true, encoding: .utf8)

        let passing = try await OspreyBinary.run(["check", "rules", good])
        #expect(passing.status == 0)
        #expect(passing.stdout == "Checking \(good)\n  SUCCESS: 2 rules found\n\n")

        let failing = try await OspreyBinary.run(["check", "rules", good, bad])
        #expect(failing.status == 1)
        #expect(
            failing.stdout.contains(
                "Checking \(bad)\n  FAILED:\n\(bad):5: groups[0].rules[0].expr: could not parse expression: 1:5: parse error: unclosed left parenthesis"
            ))
    }
}
