import Foundation
import OspreyConfig
import OspreyRules
import Testing

@Suite struct RuleFileTests {
    static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.path(forResource: "Fixtures/prometheus-docs/\(name)", ofType: nil))
    }

    @Test(arguments: ["alerting_rules.yml", "alerting_templates.yml", "recording_rules.yml", "template_examples.yml"])
    func prometheusDocumentationExamplesLoadUnchanged(_ name: String) throws {
        let file = try RuleFile.load(path: Self.fixture(name))
        #expect(file.ruleCount > 0)
    }

    @Test func theDocumentedAlertKeepsEveryField() throws {
        let file = try RuleFile.load(path: Self.fixture("alerting_rules.yml"))
        let group = try #require(file.groups.first)
        #expect(group.name == "example")
        #expect(group.labels["team"] == "myteam")
        let rule = try #require(group.rules.first)
        #expect(rule.kind == .alerting)
        #expect(rule.name == "HighRequestLatency")
        #expect(rule.exprText == #"job:request_latency_seconds:mean5m{job="myjob"} > 0.5"#)
        #expect(rule.holdDuration == .seconds(600))
        #expect(rule.keepFiringFor == .seconds(300))
        #expect(rule.labels["severity"] == "page")
        #expect(rule.annotations["summary"] == "High request latency")
    }

    @Test func groupSettingsAreRead() throws {
        let file = try RuleFile.load(path: Self.fixture("recording_rules.yml"))
        #expect(file.groups.map(\.name) == ["example", "example-limit", "example-offset"])
        #expect(file.groups[1].limit == 10)
        #expect(file.groups[2].queryOffset == .seconds(60))
        #expect(file.groups[0].interval == nil)
    }

    /// The errors `osprey check rules` prints: each names the file, the line and the rule.
    @Test(
        arguments: [
            (
                "groups:\n- name: a\n  rules:\n  - record: x\n    expr: sum(\n", 5, "groups[0].rules[0].expr",
                "could not parse expression: 1:5: parse error"
            ),
            ("groups:\n- name: a\n  rules:\n  - expr: up\n", 4, "groups[0].rules[0]", "one of 'record' or 'alert' must be set"),
            (
                "groups:\n- name: a\n  rules:\n  - record: x\n    alert: y\n    expr: up\n", 4, "groups[0].rules[0]",
                "only one of 'record' and 'alert' must be set"
            ),
            ("groups:\n- name: a\n  rules:\n  - record: bad-name\n    expr: up\n", 4, "groups[0].rules[0]", "invalid recording rule name: bad-name"),
            (
                "groups:\n- name: a\n  rules:\n  - record: x\n    expr: up\n    for: 5m\n", 4, "groups[0].rules[0]",
                "invalid field 'for' in recording rule"
            ),
            (
                "groups:\n- name: a\n  rules:\n  - record: x\n    expr: up\n    annotations:\n      a: b\n", 4, "groups[0].rules[0]",
                "invalid field 'annotations' in recording rule"
            ),
            ("groups:\n- name: a\n  rules:\n  - alert: X\n", 4, "groups[0].rules[0]", "field 'expr' must be set in rule"),
            (
                "groups:\n- name: a\n  rules:\n  - alert: X\n    expr: up\n    labels:\n      0bad: x\n", 4, "groups[0].rules[0]",
                "invalid label name: 0bad"
            ),
            ("groups:\n- name: a\n  rules:\n  - alert: X\n    expr: up\n    for: often\n", 6, "groups[0].rules[0].for", "often"),
            ("groups:\n- name: a\n  rules:\n  - alert: X\n    expr: up\n    severity: page\n", 6, "groups[0].rules[0]", "unknown key \"severity\""),
            ("groups:\n- name: a\n  rules: []\n- name: a\n  rules: []\n", 1, "", "groupname: \"a\" is repeated in the same file"),
            ("groups:\n- rules: []\n", 2, "groups[0]", "groupname must not be empty"),
        ] as [(String, Int, String, String)])
    func badRuleFilesAreRefusedWithFileLineAndKey(_ text: String, line: Int, key: String, message: String) throws {
        let errors = try #require(throws: ConfigErrors.self) { try RuleFile.parse(text, file: "rules.yml") }
        let error = try #require(errors.errors.first)
        #expect(error.file == "rules.yml")
        #expect(error.line == line)
        #expect(error.key == key)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func aBadTemplateIsRefusedWithItsPosition() throws {
        let text = "groups:\n- name: a\n  rules:\n  - alert: X\n    expr: up\n    annotations:\n      summary: \"{{ $labels.instance \"\n"
        let errors = try #require(throws: ConfigErrors.self) { try RuleFile.parse(text, file: "rules.yml") }
        let error = try #require(errors.errors.first)
        #expect(error.line == 4)
        #expect(error.message.contains("annotation \"summary\""), "\(error.message)")
        #expect(error.message.contains("__alert_X"), "\(error.message)")
    }

    @Test func rulePathsExpandGlobsRelativeToTheConfigFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-rulepaths-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["b.yml", "a.yml", "c.txt"] {
            try "groups: []\n".write(toFile: folder + "/rules/" + name, atomically: true, encoding: .utf8)
        }
        let paths = RuleFilePaths.expand(["rules/*.yml", "/nowhere/*.yml", folder + "/rules/c.txt"], relativeTo: folder)
        #expect(paths == [folder + "/rules/a.yml", folder + "/rules/b.yml", folder + "/rules/c.txt"])
    }
}
