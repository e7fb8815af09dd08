import OspreyConfig
import OspreyQuery
import OspreyRules

/// Prometheus rule files: any text loads or is refused with located errors; every loaded
/// rule's expression prints a form that parses again, and its label and annotation templates
/// parse and render as the rule manager would run them.
enum RuleFileHarness {
    static func run(_ input: UnsafeRawBufferPointer) {
        let file: RuleFile
        do {
            file = try RuleFile.parse(text(input), file: "fuzz.rules.yml")
        } catch {
            invariant(!error.errors.isEmpty, "refused without an error")
            return
        }
        for group in file.groups {
            for rule in group.rules {
                let printed = rule.expr.description
                invariant(
                    (try? PromQL.parse(printed))?.description == printed,
                    "rule expression prints as \(printed.debugDescription), which does not read back")
                guard rule.kind == .alerting else { continue }
                for label in rule.labels {
                    TemplateHarness.render(label.value, name: "__alert_\(rule.name)")
                }
                for annotation in rule.annotations {
                    TemplateHarness.render(annotation.value, name: "__alert_\(rule.name)")
                }
            }
        }
    }
}
