import Foundation
import OspreyConfig
import OspreyRules
import Testing

/// `for`, `keep_firing_for`, `interval` and `query_offset` end where Prometheus's durations do
/// (about 292 years): a longer one is refused with its rule and line, so the times an alert's
/// state is computed from cannot overflow.
@Suite struct RuleFileDurationTests {
    @Test(arguments: [
        ("groups:\n- name: a\n  interval: 300y\n  rules:\n  - record: x\n    expr: up\n", 3, "groups[0].interval"),
        ("groups:\n- name: a\n  query_offset: 999999999999y\n  rules:\n  - record: x\n    expr: up\n", 3, "groups[0].query_offset"),
        ("groups:\n- name: a\n  rules:\n  - alert: x\n    expr: up\n    for: 9223372036854775807ms\n", 6, "groups[0].rules[0].for"),
        ("groups:\n- name: a\n  rules:\n  - alert: x\n    expr: up\n    keep_firing_for: 106752d\n", 6, "groups[0].rules[0].keep_firing_for"),
    ])
    func durationsBeyondPrometheusRangeAreRefused(text: String, line: Int, key: String) throws {
        let errors = try #require(throws: ConfigErrors.self) { try RuleFile.parse(text, file: "rules.yml") }
        #expect(errors.errors.count == 1, "\(errors)")
        #expect(errors.errors.first?.line == line, "\(errors)")
        #expect(errors.errors.first?.key == key, "\(errors)")
        #expect(errors.errors.first?.message.contains("out of range") == true, "\(errors)")
    }

    @Test func theLongestDurationIsAccepted() throws {
        let text = "groups:\n- name: a\n  rules:\n  - alert: x\n    expr: up\n    for: 292y\n    keep_firing_for: 292y\n"
        let rule = try #require(try RuleFile.parse(text, file: "rules.yml").groups.first?.rules.first)
        #expect(rule.holdDuration == .seconds(292 * 365 * 86_400))
        #expect(rule.keepFiringFor == .seconds(292 * 365 * 86_400))
    }
}
