import OspreyGoCompat
import OspreyRules

/// Renders `text` as an alert template named `__alert_Test`.
func renderTemplate(
    _ text: String, labels: [String: String] = ["instance": "web-1:9100", "job": "node"],
    externalLabels: [String: String] = ["cluster": "eu-1"], externalURL: String = "https://osprey.example.com/prom",
    value: Double = 0, query: TemplateQuery? = nil
) throws(TemplateError) -> String {
    let template = try AlertTemplate(text, name: "__alert_Test")
    let data = TemplateData(labels: labels, externalLabels: externalLabels, externalURL: externalURL, value: value)
    return try template.render(data, query: query)
}

/// The error rendering `text` fails with, or nil when it succeeds.
func templateError(_ text: String, value: Double = 0, query: TemplateQuery? = nil) -> TemplateError? {
    do {
        _ = try renderTemplate(text, value: value, query: query)
        return nil
    } catch {
        return error
    }
}

/// A query engine answering from a fixed table, and failing for anything else.
struct FakeQueryEngine {
    struct UnknownQuery: Error, CustomStringConvertible {
        var query: String
        var description: String { "unknown query \(query)" }
    }

    var answers: [String: [TemplateSample]]

    var query: TemplateQuery {
        let answers = answers
        return { expression in
            guard let answer = answers[expression] else { throw UnknownQuery(query: expression) }
            return answer
        }
    }
}
