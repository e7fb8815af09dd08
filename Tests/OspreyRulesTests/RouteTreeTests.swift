import OspreyConfig
import OspreyModel
import OspreyNotification
import Testing

@testable import OspreyRules

/// Alertmanager's routing: which receivers an alert reaches, the keys of routes and groups, and
/// the fingerprints that name alerts.
@Suite struct RouteTreeTests {
    /// Alertmanager's documented example tree (doc/examples/simple.yml).
    static let example = """
        alerting:
          route:
            group_by: ['alertname', 'cluster', 'service']
            group_wait: 30s
            group_interval: 5m
            repeat_interval: 3h
            receiver: team-X-mails
            routes:
              - matchers: [service=~"foo1|foo2|baz"]
                receiver: team-X-mails
                routes:
                  - matchers: [severity="critical"]
                    receiver: team-X-pager
              - matchers: [service="files"]
                receiver: team-Y-mails
                routes:
                  - matchers: [severity="critical"]
                    receiver: team-Y-pager
              - matchers: [service="database"]
                receiver: team-DB-pager
                group_by: [alertname, cluster, database]
                routes:
                  - matchers: [owner="team-X"]
                    receiver: team-X-pager
                    continue: true
                  - matchers: [owner="team-Y"]
                    receiver: team-Y-pager
          receivers:
            - name: team-X-mails
            - name: team-X-pager
            - name: team-Y-mails
            - name: team-Y-pager
            - name: team-DB-pager
        """

    private func tree(_ yaml: String = example) throws -> RouteTree {
        let route = try #require(try ConfigFile.parse(yaml, file: "osprey.yml").alerting.route)
        return try RouteTree(route)
    }

    private func receivers(_ tree: RouteTree, _ labels: [String: String]) -> [String] {
        tree.matchingRoutes(Labels(labels)).map(\.receiver)
    }

    @Test func theDocumentedTreeRoutesAlertsToTheirTeams() throws {
        let tree = try tree()
        #expect(receivers(tree, ["service": "foo1", "severity": "critical"]) == ["team-X-pager"])
        #expect(receivers(tree, ["service": "baz", "severity": "warning"]) == ["team-X-mails"])
        #expect(receivers(tree, ["service": "files", "severity": "critical"]) == ["team-Y-pager"])
        #expect(receivers(tree, ["service": "files"]) == ["team-Y-mails"])
        #expect(receivers(tree, ["service": "database", "owner": "team-X"]) == ["team-X-pager"])
        #expect(receivers(tree, ["service": "database", "owner": "team-Y"]) == ["team-Y-pager"])
        #expect(receivers(tree, ["service": "database", "owner": "nobody"]) == ["team-DB-pager"])
        #expect(receivers(tree, ["service": "foo"]) == ["team-X-mails"], "no child matches: the root itself")
        #expect(receivers(tree, [:]) == ["team-X-mails"])
    }

    @Test func continueTriesTheNextSiblings() throws {
        let yaml = """
            alerting:
              route:
                receiver: default
                routes:
                  - matchers: [team=db]
                    receiver: first
                    continue: true
                  - match_re: {team: "d.*"}
                    receiver: second
                  - matchers: [team=db]
                    receiver: third
              receivers: [{name: default}, {name: first}, {name: second}, {name: third}]
            """
        let tree = try tree(yaml)
        #expect(receivers(tree, ["team": "db"]) == ["first", "second"], "second has no continue: third is not tried")
        #expect(receivers(tree, ["team": "dev"]) == ["second"])
        #expect(receivers(tree, ["team": "ops"]) == ["default"])
    }

    @Test func childrenInheritWhatTheyLeaveOut() throws {
        let tree = try tree()
        let pager = try #require(tree.matchingRoutes(Labels(["service": "foo1", "severity": "critical"])).first)
        #expect(pager.grouping == .labels(["alertname", "cluster", "service"]))
        #expect(pager.groupWait == .seconds(30))
        #expect(pager.groupInterval == .seconds(300))
        #expect(pager.repeatInterval == .seconds(3 * 3600))
        let database = try #require(tree.matchingRoutes(Labels(["service": "database", "owner": "team-X"])).first)
        #expect(database.grouping == .labels(["alertname", "cluster", "database"]), "from its parent, not the root")
    }

    @Test func alertmanagerDefaultsTimingAtTheRoot() throws {
        let tree = try tree("alerting:\n  route: {receiver: r}\n  receivers: [{name: r}]")
        let root = tree.root.route
        #expect(root.groupWait == .seconds(30))
        #expect(root.groupInterval == .seconds(300))
        #expect(root.repeatInterval == .seconds(4 * 3600))
        #expect(root.grouping == .labels([]))
    }

    @Test func routeKeysAndIDsAsAlertmanagerPrintsThem() throws {
        let tree = try tree()
        #expect(tree.root.route.key == "{}")
        #expect(tree.root.route.id == "{}")
        let pager = try #require(tree.matchingRoutes(Labels(["service": "files", "severity": "critical"])).first)
        #expect(pager.key == #"{}/{service="files"}/{severity="critical"}"#)
        #expect(pager.id == #"{}/{service="files"}/1/{severity="critical"}/0"#)
        let regex = try #require(tree.matchingRoutes(Labels(["service": "baz"])).first)
        #expect(regex.key == #"{}/{service=~"foo1|foo2|baz"}"#)
    }

    @Test func matchersOfARouteAreSortedInItsKey() throws {
        let tree = try tree(
            """
            alerting:
              route:
                receiver: r
                routes:
                  - matchers: ['team="a\\"b"', 'env!=prod']
                    match: {app: web}
                    receiver: r
              receivers: [{name: r}]
            """)
        let child = try #require(tree.matchingRoutes(Labels(["team": "a\"b", "app": "web"])).first)
        #expect(child.key == #"{}/{app="web",env!="prod",team="a\"b"}"#)
    }

    @Test func fingerprintsAreThoseOfPrometheusModel() {
        // Values from prometheus/common's model tests (TestMetricToFingerprint).
        #expect(Labels().alertmanagerFingerprint == 14_695_981_039_346_656_037)
        let labels = Labels(["name": "garland, briggs", "fear": "love is not enough"])
        #expect(labels.alertmanagerFingerprint == 5_799_056_148_416_392_346)
        #expect(labels.alertmanagerFingerprintText == "507a62d79ee76c9a")
        #expect(Labels().alertmanagerFingerprintText == "cbf29ce484222325")
    }

    @Test func fingerprintIsFNV1aOverSortedPairs() {
        // FNV-1a 64 of "a" 0xFF "1" 0xFF, worked out independently of the implementation.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte: UInt8 in [0x61, 0xFF, 0x31, 0xFF] {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        #expect(Labels(["a": "1"]).alertmanagerFingerprint == hash)
        #expect(Labels(["a": "1", "b": "2"]).alertmanagerFingerprint != Labels(["a": "12"]).alertmanagerFingerprint)
    }

    @Test func groupKeysAsAlertmanagerPrintsThem() throws {
        let tree = try tree(
            """
            alerting:
              route:
                receiver: r
                group_by: [alertname, job]
                routes:
                  - matchers: [severity="critical"]
                  - matchers: [severity="warning"]
                    group_by: ['...']
              receivers: [{name: r}]
            """)
        let alert = Labels(["alertname": "HighLatency", "job": "api", "instance": "a:1", "severity": "critical"])
        let route = try #require(tree.matchingRoutes(alert).first)
        let groupLabels = route.grouping.groupLabels(of: alert)
        #expect(groupLabels == Labels(["alertname": "HighLatency", "job": "api"]))
        #expect(route.groupKey(groupLabels: groupLabels) == #"{}/{severity="critical"}:{alertname="HighLatency", job="api"}"#)

        let warning = Labels(["alertname": "Disk", "msg": "say \"hi\"\n", "severity": "warning"])
        let all = try #require(tree.matchingRoutes(warning).first)
        #expect(all.grouping.groupLabels(of: warning) == warning, "'...' groups by every label")
        #expect(
            all.groupKey(groupLabels: warning) == #"{}/{severity="warning"}:{alertname="Disk", msg="say \"hi\"\n", severity="warning"}"#)
    }
}
