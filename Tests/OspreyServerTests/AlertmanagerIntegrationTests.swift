import AsyncHTTPClient
import Foundation
import OspreyTestSupport
import Testing

/// Osprey forwarding its alerts to a real Alertmanager (Debian's `prometheus-alertmanager`), as
/// Prometheus does with `alerting.alertmanagers`.
@Suite struct AlertmanagerIntegrationTests {
    static let binary = "/usr/bin/prometheus-alertmanager"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "apt-get install prometheus-alertmanager"))
    func aFiringAlertShowsUpInAlertmanager() async throws {
        let folder = try TemporaryFolder()
        try """
        route:
          receiver: nowhere
        receivers:
          - name: nowhere
        """.write(toFile: folder.path + "/alertmanager.yml", atomically: true, encoding: .utf8)
        let port = try PeerProcess.freePort()
        let alertmanager = try PeerProcess.start(
            Self.binary,
            [
                "--config.file=\(folder.path)/alertmanager.yml", "--storage.path=\(folder.path)/alertmanager",
                "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
            ])
        defer { Task { try await alertmanager.stop() } }
        let alertmanagerURL = "http://127.0.0.1:\(port)"
        try await eventually {
            (try? await HTTPClient.shared.execute(HTTPClientRequest(url: alertmanagerURL + "/-/ready"), timeout: .seconds(5)))?.status == .ok
        }

        let rulesPath = folder.path + "/lab.rules.yml"
        try AlertingIntegrationTests.rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        let config = """
            global:
              evaluation_interval: 1s
              external_labels:
                cluster: eu
            rule_files:
              - \(rulesPath)
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ["127.0.0.1:\(port)"]
            """
        try await TestServer.with(config: config) { server in
            #expect(try await server.post("/api/v1/import/prometheus", body: "temperature{room=\"lab\"} 90\n").status == 204)
            var alerts: [[String: Any]] = []
            try await eventually {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: alertmanagerURL + "/api/v2/alerts"), timeout: .seconds(5))
                let body = try await response.body.collect(upTo: 1 << 20)
                alerts = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]] ?? []
                return !alerts.isEmpty
            }
            let alert = try #require(alerts.first)
            #expect(alert["labels"] as? [String: String] == ["alertname": "TooHot", "room": "lab", "severity": "page", "cluster": "eu"])
            #expect(alert["annotations"] as? [String: String] == ["summary": "lab is at 90 degrees"])
            #expect((alert["status"] as? [String: Any])?["state"] as? String == "active")
            #expect((alert["generatorURL"] as? String)?.contains("/graph?g0.expr=") == true)
            #expect((alert["receivers"] as? [[String: Any]])?.first?["name"] as? String == "nowhere")
        }
    }
}
