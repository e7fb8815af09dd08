import OspreyModel
import Testing

@testable import OspreyConfig

/// `alerting:` read as Alertmanager reads its route tree and receivers, and as Prometheus reads
/// `alertmanagers`: defaults, inheritance left to the tree, and the mistakes it refuses.
@Suite struct AlertingConfigurationTests {
    private func refusal(_ text: String) throws -> String {
        let errors = try #require(throws: ConfigErrors.self) { try ConfigFile.parse(text, file: "osprey.yml") }
        return errors.description
    }

    /// Alertmanager's documented example tree (doc/examples/simple.yml), receivers as webhooks.
    static let documentedExample = """
        alerting:
          global:
            resolve_timeout: 2m
          route:
            group_by: ['alertname', 'cluster', 'service']
            group_wait: 30s
            group_interval: 5m
            repeat_interval: 3h
            receiver: team-X-mails
            routes:
              - matchers:
                  - service=~"foo1|foo2|baz"
                receiver: team-X-mails
                routes:
                  - matchers:
                      - severity="critical"
                    receiver: team-X-pager
              - matchers:
                  - service="files"
                receiver: team-Y-mails
                routes:
                  - matchers:
                      - severity="critical"
                    receiver: team-Y-pager
              - match:
                  service: database
                receiver: team-DB-pager
                group_by: [alertname, cluster, database]
                routes:
                  - matchers:
                      - owner="team-X"
                    receiver: team-X-pager
                    continue: true
                  - match_re:
                      owner: team-Y.*
                    receiver: team-Y-pager
          receivers:
            - name: team-X-mails
              webhook_configs:
                - url: http://hooks.example/x-mails
            - name: team-X-pager
              webhook_configs:
                - url: https://pager.example/x
                  send_resolved: false
                  max_alerts: 10
                  http_config:
                    authorization:
                      credentials: s3cret
            - name: team-Y-mails
              webhook_configs:
                - url_file: /etc/osprey/y-mails-url
            - name: team-Y-pager
              webhook_configs:
                - url: https://pager.example/y
                  http_config:
                    basic_auth:
                      username: osprey
                      password_file: /etc/osprey/pager-password
            - name: team-DB-pager
              webhook_configs:
                - url: https://pager.example/db
                  http_config:
                    bearer_token: abc
          alertmanagers:
            - static_configs:
                - targets: [am1.example:9093, am2.example:9093]
              path_prefix: /alertmanager
              scheme: https
              timeout: 5s
          resend_delay: 30s
        """

    @Test func theDocumentedExampleTreeLoads() throws {
        let alerting = try ConfigFile.parse(Self.documentedExample, file: "osprey.yml").alerting
        #expect(alerting.resolveTimeout == .seconds(120))
        #expect(alerting.resendDelay == .seconds(30))
        let route = try #require(alerting.route)
        #expect(route.receiver == "team-X-mails")
        #expect(route.groupBy == ["alertname", "cluster", "service"])
        #expect(route.groupWait == .seconds(30))
        #expect(route.repeatInterval == .seconds(3 * 3600))
        #expect(route.routes.count == 3)
        #expect(route.routes[0].matchers == [try LabelMatcher(.regex, "service", "foo1|foo2|baz")])
        #expect(route.routes[0].groupBy == nil, "left out, so inherited when the tree is built")
        #expect(route.routes[2].match == ["service": "database"])
        #expect(route.routes[2].routes[0].continue)
        #expect(route.routes[2].routes[1].matchRegex == ["owner": "team-Y.*"])
        #expect(alerting.receivers.map(\.name) == ["team-X-mails", "team-X-pager", "team-Y-mails", "team-Y-pager", "team-DB-pager"])

        let pager = try #require(alerting.receiver(named: "team-X-pager")?.webhookConfigs.first)
        #expect(pager.url == "https://pager.example/x")
        #expect(!pager.sendResolved)
        #expect(pager.maxAlerts == 10)
        #expect(pager.httpConfig.authorization == Authorization(type: "Bearer", credentials: "s3cret"))
        let mails = try #require(alerting.receiver(named: "team-X-mails")?.webhookConfigs.first)
        #expect(mails.sendResolved && mails.maxAlerts == 0, "Alertmanager's defaults")
        #expect(alerting.receiver(named: "team-Y-mails")?.webhookConfigs.first?.urlFile == "/etc/osprey/y-mails-url")
        #expect(alerting.receiver(named: "team-Y-pager")?.webhookConfigs.first?.httpConfig.basicAuth?.passwordFile == "/etc/osprey/pager-password")
        #expect(alerting.receiver(named: "team-DB-pager")?.webhookConfigs.first?.httpConfig.authorization?.credentials == "abc")

        let alertmanager = try #require(alerting.alertmanagers.first)
        #expect(alertmanager.timeout == .seconds(5))
        #expect(alertmanager.apiVersion == "v2")
        #expect(
            alertmanager.alertsURLs == [
                "https://am1.example:9093/alertmanager/api/v2/alerts", "https://am2.example:9093/alertmanager/api/v2/alerts",
            ])
    }

    @Test func defaultsWithoutAnAlertingSection() throws {
        let alerting = try ConfigFile.parse("rule_files: []", file: "osprey.yml").alerting
        #expect(alerting == AlertingConfiguration())
        #expect(alerting.resolveTimeout == .seconds(300))
        #expect(alerting.resendDelay == .seconds(60))
        #expect(alerting.route == nil)
    }

    @Test func theConfigEncodesBackToYAMLThatLoadsAgain() throws {
        let config = try ConfigFile.parse(Self.documentedExample, file: "osprey.yml")
        let yaml = config.yaml
        #expect(yaml.contains("resolve_timeout: 2m"))
        #expect(yaml.contains("service=~\"foo1|foo2|baz\""))
        #expect(yaml.contains("credentials: <secret>"), "secrets are not shown")
        #expect(!yaml.contains("pager.example") && !yaml.contains("hooks.example"), "webhook URLs are not shown: \(yaml)")
        #expect(yaml.contains("url: <secret>"))
        var reloaded = try ConfigFile.parse(yaml, file: "status").alerting
        var original = config.alerting
        // Secrets come back as the `<secret>` placeholder; everything else is the same.
        #expect(reloaded.receivers.map(\.name) == original.receivers.map(\.name))
        reloaded.receivers = []
        original.receivers = []
        #expect(reloaded.route == original.route)
        #expect(reloaded.alertmanagers == original.alertmanagers)
    }

    @Test func alertmanagerMatcherStrings() throws {
        #expect(try AlertingMatcherParser.parse("severity=\"critical\"") == [.equal("severity", "critical")])
        #expect(try AlertingMatcherParser.parse("team=~a|b") == [try LabelMatcher(.regex, "team", "a|b")])
        #expect(try AlertingMatcherParser.parse(" x != y ") == [.notEqual("x", "y")])
        #expect(try AlertingMatcherParser.parse("y!~\"z.*\"") == [try LabelMatcher(.notRegex, "y", "z.*")])
        #expect(try AlertingMatcherParser.parse("{a=\"1,2\", b=3}") == [.equal("a", "1,2"), .equal("b", "3")])
        #expect(try AlertingMatcherParser.parse(#"msg="say \"hi\"\n""#) == [.equal("msg", "say \"hi\"\n")])
        #expect(try AlertingMatcherParser.parse("path=C:\\temp") == [.equal("path", "C:\\temp")], "a stray backslash stays")
        #expect(throws: AlertingMatcherParser.SyntaxError.self) { try AlertingMatcherParser.parse("severity") }
        #expect(throws: AlertingMatcherParser.SyntaxError.self) { try AlertingMatcherParser.parse("a=\"open") }
        #expect(throws: AlertingMatcherParser.SyntaxError.self) { try AlertingMatcherParser.parse("a=~\"(\"") }
        #expect(throws: AlertingMatcherParser.SyntaxError.self) { try AlertingMatcherParser.parse("1a=b") }
    }

    @Test func routeMistakesAreRefusedWithTheirPlace() throws {
        let message = try refusal(
            """
            alerting:
              route:
                receiver: default
                matchers: [team="a"]
                continue: true
                routes:
                  - receiver: missing
                    matchers: ['severity']
              receivers:
                - name: default
                - name: default
            """)
        #expect(message.contains("osprey.yml:8: alerting.route.routes[0]: matchers: bad matcher \"severity\""))
        #expect(message.contains("alerting: receivers: notification config name \"default\" is not unique"))
        #expect(message.contains("root route must not have any matchers"))
        #expect(message.contains("cannot have continue in root route"))
    }

    @Test func everyRoutedReceiverMustExist() throws {
        let message = try refusal(
            """
            alerting:
              route:
                receiver: default
                routes:
                  - receiver: missing
                    matchers: [severity=page]
              receivers:
                - name: default
            """)
        #expect(message.contains("osprey.yml:2: alerting: route: undefined receiver \"missing\" used in route"))
    }

    @Test func childRouteSettingsAreChecked() throws {
        let message = try refusal(
            """
            alerting:
              route:
                receiver: default
                routes:
                  - group_by: ['...', job]
                    group_interval: 0s
                    repeat_interval: 0s
                    mute_time_intervals: [offhours]
              receivers:
                - name: default
            """)
        #expect(message.contains("osprey.yml:8: alerting.route.routes[0]: mute_time_intervals is not supported by Osprey"))
        #expect(message.contains("group_by: \"...\" must be the only entry"))
        #expect(message.contains("group_interval cannot be zero"))
        #expect(message.contains("repeat_interval cannot be zero"))
    }

    @Test func theRootRouteNeedsAReceiver() throws {
        let message = try refusal(
            """
            alerting:
              route:
                group_by: [alertname]
              receivers:
                - name: hook
                  webhook_configs: [{url: "http://h.example/"}]
            """)
        #expect(message.contains("root route must specify a default receiver"))
    }

    @Test func otherIntegrationsAreRefusedByName() throws {
        let message = try refusal(
            """
            alerting:
              route:
                receiver: ops
              receivers:
                - name: ops
                  email_configs:
                    - to: ops@example.com
                  slack_configs:
                    - channel: '#ops'
            """)
        #expect(message.contains("osprey.yml:6: alerting.receivers[0]: email_configs is not supported by Osprey; use webhook_configs"))
        #expect(message.contains("slack_configs is not supported by Osprey; use webhook_configs"))
    }

    /// The refusal of a receiver with one webhook entry, written as YAML lines under `- `.
    private func webhookRefusal(_ entry: String) throws -> String {
        let indented = entry.split(separator: "\n").enumerated()
            .map { $0.offset == 0 ? "        - \($0.element)" : "          \($0.element)" }.joined(separator: "\n")
        return try refusal("alerting:\n  route:\n    receiver: ops\n  receivers:\n    - name: ops\n      webhook_configs:\n" + indented)
    }

    @Test func webhookMistakes() throws {
        #expect(
            try webhookRefusal("send_resolved: false").contains(
                "osprey.yml:7: alerting.receivers[0].webhook_configs[0]: one of url or url_file must be configured"))
        #expect(try webhookRefusal("url: http://a.example/\nurl_file: /x").contains("at most one of url and url_file may be set"))
        #expect(try webhookRefusal("url: ftp://a.example/").contains("url scheme must be http or https, not \"ftp\""))
        #expect(
            try webhookRefusal("url: http://a.example/\nhttp_config:\n  bearer_token: a\n  basic_auth: {username: u}").contains(
                "webhook_configs[0].http_config: at most one of basic_auth, authorization and bearer_token may be set"))
        #expect(
            try webhookRefusal("url: http://a.example/\nhttp_config:\n  oauth2: {client_id: x}").contains(
                "oauth2 is not supported by Osprey"))
        #expect(try webhookRefusal("url: http://a.example/\nmax_alerts: -1").contains("max_alerts must not be negative"))
    }

    @Test func alertmanagerMistakes() throws {
        let message = try refusal(
            """
            alerting:
              alertmanagers:
                - static_configs: [{targets: [am:9093]}]
                  api_version: v1
                  scheme: ftp
              inhibit_rules: []
            """)
        #expect(message.contains("api_version \"v1\" is not supported: only v2 is"))
        #expect(message.contains("scheme must be http or https, not \"ftp\""))
        #expect(message.contains("alerting: inhibit_rules is not supported by Osprey"))
    }

    @Test func unknownKeysAreNamed() throws {
        let message = try refusal(
            """
            alerting:
              route:
                receiver: ops
                group_wiat: 10s
              receivers:
                - name: ops
            """)
        #expect(message.contains("osprey.yml:4: alerting.route: unknown key \"group_wiat\""))
    }
}
