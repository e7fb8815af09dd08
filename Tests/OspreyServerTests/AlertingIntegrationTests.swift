import Foundation
import OspreyFormats
import OspreyTestSupport
import Testing

/// Alerts from rules to receivers through a running server: a real webhook receiver gets
/// Alertmanager's payload, grouped, repeated and resolved per the route; silences mute; a
/// receiver that is down gets everything once it is back, across a restart of Osprey.
@Suite(.serialized) struct AlertingIntegrationTests {
    static let rules = """
        groups:
        - name: lab
          rules:
          - alert: TooHot
            expr: temperature > 80
            labels:
              severity: page
            annotations:
              summary: "{{ $labels.room }} is at {{ $value }} degrees"
        """

    /// A config evaluating every second and sending to `receiver` with the given route timings.
    static func config(
        rules: String, receiver: String, groupInterval: String = "1s", repeatInterval: String = "1h",
        resendDelay: String = "1m"
    ) -> String {
        """
        global:
          evaluation_interval: 1s
          external_labels:
            cluster: eu
        rule_files:
          - \(rules)
        alerting:
          resend_delay: \(resendDelay)
          route:
            receiver: team
            group_by: [alertname, room]
            group_wait: 0s
            group_interval: \(groupInterval)
            repeat_interval: \(repeatInterval)
          receivers:
            - name: team
              webhook_configs:
                - url: \(receiver)
                  send_resolved: true
                  http_config:
                    authorization:
                      credentials: secret-token-123
        """
    }

    static func writeRules(in folder: TemporaryFolder) throws -> String {
        let path = folder.path + "/lab.rules.yml"
        try rules.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func alerts(_ payload: [String: Any]) -> [[String: Any]] {
        payload["alerts"] as? [[String: Any]] ?? []
    }

    @Test func aFiringAlertReachesTheWebhookWithEveryFieldOfAlertmanagersPayload() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        let folder = try TemporaryFolder()
        let config = Self.config(rules: try Self.writeRules(in: folder), receiver: receiver.url)
        try await TestServer.with(config: config) { server in
            #expect(try await server.post("/api/v1/import/prometheus", body: "temperature{room=\"lab\"} 90\n").status == 204)
            try await server.eventually { !receiver.received.isEmpty }

            let delivery = try #require(receiver.received.first)
            #expect(delivery.headers["authorization"] == "Bearer secret-token-123")
            #expect(delivery.headers["content-type"]?.hasPrefix("application/json") == true)
            let payload = try delivery.json()
            #expect(payload["version"] as? String == "4")
            #expect(payload["status"] as? String == "firing")
            #expect(payload["receiver"] as? String == "team")
            #expect(payload["groupKey"] as? String == #"{}:{alertname="TooHot", room="lab"}"#)
            #expect(payload["truncatedAlerts"] as? Int == 0)
            #expect(payload["groupLabels"] as? [String: String] == ["alertname": "TooHot", "room": "lab"])
            let labels = ["alertname": "TooHot", "room": "lab", "severity": "page", "cluster": "eu"]
            #expect(payload["commonLabels"] as? [String: String] == labels)
            #expect(payload["commonAnnotations"] as? [String: String] == ["summary": "lab is at 90 degrees"])
            #expect((payload["externalURL"] as? String)?.hasPrefix("http://127.0.0.1:") == true)

            let alert = try #require(Self.alerts(payload).first)
            #expect(Self.alerts(payload).count == 1)
            #expect(alert["status"] as? String == "firing")
            #expect(alert["labels"] as? [String: String] == labels)
            #expect(alert["annotations"] as? [String: String] == ["summary": "lab is at 90 degrees"])
            #expect(alert["endsAt"] as? String == "0001-01-01T00:00:00Z")
            let startsAt = try #require(alert["startsAt"] as? String)
            #expect(startsAt.hasPrefix("20") && startsAt.hasSuffix("Z"))
            #expect((alert["generatorURL"] as? String)?.contains("/graph?g0.expr=temperature%20%3E%2080") == true)
            let fingerprint = try #require(alert["fingerprint"] as? String)
            #expect(fingerprint.count == 16 && fingerprint.allSatisfy(\.isHexDigit))
            try await server.eventually { try await server.get("/metrics").body.contains("osprey_notifications_sent_total 1") }
            #expect(try await server.get("/metrics").body.contains("osprey_notifications_queued 0"))
        }
    }

    @Test func alertsAreGroupedRepeatedAndResolvedPerTheRoute() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        let folder = try TemporaryFolder()
        let config = Self.config(rules: try Self.writeRules(in: folder), receiver: receiver.url, groupInterval: "2s", repeatInterval: "4s")
        try await TestServer.with(config: config) { server in
            _ = try await server.post("/api/v1/import/prometheus", body: "temperature{room=\"lab\",sensor=\"a\"} 90\n")
            try await server.eventually { !receiver.received.isEmpty }

            // A second sensor in the same room joins the same group: the next notification holds both.
            _ = try await server.post("/api/v1/import/prometheus", body: "temperature{room=\"lab\",sensor=\"b\"} 95\n")
            try await server.eventually {
                try receiver.received.contains { try Self.alerts($0.json()).count == 2 }
            }
            // Another room is another group, notified on its own.
            _ = try await server.post("/api/v1/import/prometheus", body: "temperature{room=\"cellar\"} 85\n")
            try await server.eventually {
                try receiver.received.contains { try ($0.json()["groupLabels"] as? [String: String])?["room"] == "cellar" }
            }

            // Unchanged, the lab group is sent again once repeat_interval has passed.
            let labDeliveries = { @Sendable in
                try receiver.received.filter { try ($0.json()["groupLabels"] as? [String: String])?["room"] == "lab" }
            }
            let firstTwoAlertNotification = try #require(try labDeliveries().firstIndex { try Self.alerts($0.json()).count == 2 })
            try await server.eventually(timeout: .seconds(30)) {
                try labDeliveries().count > firstTwoAlertNotification + 1
            }
            let repeated = try labDeliveries()[firstTwoAlertNotification + 1].json()
            #expect(Self.alerts(repeated).count == 2)
            #expect(repeated["status"] as? String == "firing")

            // Cooled down: a resolved notification, every alert with its end time.
            _ = try await server.post(
                "/api/v1/import/prometheus", body: "temperature{room=\"lab\",sensor=\"a\"} 20\ntemperature{room=\"lab\",sensor=\"b\"} 20\n")
            try await server.eventually {
                try labDeliveries().contains { try $0.json()["status"] as? String == "resolved" }
            }
            let resolved = try #require(try labDeliveries().first { try $0.json()["status"] as? String == "resolved" }).json()
            #expect(Self.alerts(resolved).count == 2)
            for alert in Self.alerts(resolved) {
                #expect(alert["status"] as? String == "resolved")
                #expect(alert["endsAt"] as? String != "0001-01-01T00:00:00Z")
            }
        }
    }

    @Test func aSilencedAlertIsNotSent() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        let folder = try TemporaryFolder()
        let config = Self.config(rules: try Self.writeRules(in: folder), receiver: receiver.url)
        try await TestServer.with(config: config) { server in
            let endsAt = Date().addingTimeInterval(3600).formatted(.iso8601)
            let body =
                #"{"matchers":[{"name":"room","value":"kitchen","isRegex":false,"isEqual":true}],"startsAt":"\#(Date().formatted(.iso8601))","endsAt":"\#(endsAt)","createdBy":"test","comment":"oven on purpose"}"#
            // The silence store opens with the data folder, just after the server listens.
            try await server.eventually { try await server.get("/api/v2/silences").status == 200 }
            let silence = try await server.send("/api/v2/silences", method: .POST, body: body, headers: [("Content-Type", "application/json")])
            #expect(silence.status == 200, "\(silence.body)")
            let id = try #require(try Self.object(silence.body)["silenceID"] as? String)

            _ = try await server.post("/api/v1/import/prometheus", body: "temperature{room=\"kitchen\"} 99\n")
            try await server.eventually { try await server.get("/api/v1/alerts").body.contains("kitchen") }
            // The lab alert, raised after the kitchen one, is sent; the silenced kitchen one is not.
            _ = try await server.post("/api/v1/import/prometheus", body: "temperature{room=\"lab\"} 90\n")
            try await server.eventually { !receiver.received.isEmpty }
            try await Task.sleep(for: .seconds(2))
            #expect(
                try receiver.received.allSatisfy {
                    try !Self.alerts($0.json()).contains { ($0["labels"] as? [String: String])?["room"] == "kitchen" }
                })

            let listed = try await server.get("/api/v2/silences").body
            #expect(listed.contains(id) && listed.contains(#""state":"active""#))
            #expect(try await server.send("/api/v2/silence/\(id)", method: .DELETE).status == 200)
            // Expired, the silence no longer mutes: the kitchen alert goes out.
            try await server.eventually {
                try receiver.received.contains { try ($0.json()["groupLabels"] as? [String: String])?["room"] == "kitchen" }
            }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/amtool"), "apt-get install prometheus-alertmanager"))
    func amtoolManagesOspreysSilences() async throws {
        try await TestServer.with { server in
            try await server.eventually { try await server.get("/api/v2/silences").status == 200 }
            let url = "--alertmanager.url=\(server.baseURL)"
            let added = try await Self.amtool([url, "silence", "add", "room=kitchen", "--comment=oven on purpose", "--duration=1h"])
            #expect(added.status == 0, "\(added.stderr)")
            let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let query = try await Self.amtool([url, "silence", "query", "-q"])
            #expect(query.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == id)
            #expect(try await Self.amtool([url, "silence", "expire", id]).status == 0)
            #expect(try await Self.amtool([url, "silence", "query", "-q"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            #expect(try await Self.amtool([url, "silence", "query", "--expired", "-q"]).stdout.contains(id))
        }
    }

    static func amtool(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let output = try await Program.run("/usr/bin/amtool", arguments)
        return (output.status, output.stdoutText, output.stderrText)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func aReceiverDownAcrossARestartGetsEveryNotificationInOrder() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        receiver.refuse(true)
        let folder = try TemporaryFolder()
        // Firing alerts are valid for four resend delays: one that is no longer sent resolves 8 s on.
        let config = Self.config(rules: try Self.writeRules(in: folder), receiver: receiver.url, resendDelay: "2s")

        try await TestServer.with(config: config, folder: folder) { server in
            _ = try await server.post("/api/v1/import/prometheus", body: "temperature{room=\"lab\"} 90\n")
            try await server.eventually { receiver.refusals > 0 }
        }
        // Osprey restarts while the receiver is still down, and the condition clears meanwhile.
        try await TestServer.with(config: config, folder: folder) { server in
            _ = try await server.post("/api/v1/import/prometheus", body: "temperature{room=\"lab\"} 20\n")
            try await server.eventually { !(try await server.get("/api/v1/alerts").body.contains("TooHot")) }
            // The resolved notification waits in the outbox behind the firing one, while the
            // receiver still refuses both.
            try await server.eventually {
                ExpositionParser.value(of: "osprey_notifications_queued", in: try await server.get("/metrics").body) ?? 0 >= 2
            }
            #expect(receiver.received.isEmpty)

            receiver.refuse(false)
            try await server.eventually(timeout: .seconds(90)) {
                try receiver.received.contains { try $0.json()["status"] as? String == "resolved" }
            }
            let statuses = try receiver.received.map { try $0.json()["status"] as? String }
            #expect(statuses.first == "firing", "the firing notification queued before the restart arrives first")
            #expect(statuses.last == "resolved")
            #expect(statuses.filter { $0 == "resolved" }.count == 1)
        }
    }
}
