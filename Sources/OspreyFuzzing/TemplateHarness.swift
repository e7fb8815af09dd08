import OspreyGoCompat
import OspreyModel
import OspreyQuery
import OspreyRules

/// Alert templates (Go's text/template with Prometheus's functions): any text parses or is
/// refused with a located error, and a parsed template renders or fails without trapping,
/// its `query` calls answered from the fixed dataset.
enum TemplateHarness {
    static func run(_ input: UnsafeRawBufferPointer) {
        render(text(input), name: "__alert_Fuzz")
    }

    static let data = TemplateData(
        labels: ["alertname": "Fuzz", "instance": "a:9090", "job": "api", "severity": "page", "path": "/x?y=1&z=<b>"],
        externalLabels: ["cluster": "eu-1"], externalURL: "http://osprey.example:9090", value: 0.123_456)

    /// Runs `query` template calls on the fuzz dataset at its last instant.
    static let query: TemplateQuery = { text in
        let expr = try PromQL.parse(text)
        let value = try QueryEngine(options: FuzzDataset.options).instantQuery(expr, at: FuzzDataset.end, from: FuzzDataset.queryable)
        switch value {
        case .vector(let elements):
            return elements.map { TemplateSample(labels: Dictionary($0.labels.map { ($0.name, $0.value) }) { $1 }, value: $0.value) }
        case .scalar(let sample):
            return [TemplateSample(labels: [:], value: sample.value)]
        default:
            return []
        }
    }

    static func render(_ source: String, name: String) {
        let template: AlertTemplate
        do {
            template = try AlertTemplate(source, name: name)
        } catch {
            invariant(error.line >= 1 && error.column >= 1, "error at line \(error.line) column \(error.column): \(error)")
            return
        }
        _ = try? template.render(data, query: query)
    }
}
