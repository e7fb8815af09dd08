import OspreyModel

/// A value inside a running template. Each case stands for the Go type Prometheus hands its
/// templates, because Go's rules (printing, truth, comparison, function argument types) depend on it.
enum TemplateValue: Sendable, Equatable {
    case string(String)
    case float(Double)
    case int(Int)
    case bool(Bool)
    /// Go's nil interface: what a missing `map[string]interface{}` key or `nil` gives.
    case null
    /// `map[string]string`, as labels are.
    case stringMap([String: String])
    /// `map[string]interface{}`, as `args` builds.
    case map([String: TemplateValue])
    /// `[]interface{}`.
    case list([TemplateValue])
    /// Prometheus's `queryResult`, what `query` and `sortByLabel` return.
    case samples([TemplateSample])
    /// Prometheus's `*sample`.
    case sample(TemplateSample)
    /// Prometheus's alert data, the template's `.`.
    case data(TemplateData)
    /// `*time.Time`, from `toTime`: milliseconds since the epoch, as Prometheus keeps it.
    case time(milliseconds: Int64)

    /// Go's name for the type, as error messages and `%!d(float64=1.5)` show it.
    var goTypeName: String {
        switch self {
        case .string: "string"
        case .float: "float64"
        case .int: "int"
        case .bool: "bool"
        case .null: "<nil>"
        case .stringMap: "map[string]string"
        case .map: "map[string]interface {}"
        case .list: "[]interface {}"
        case .samples: "template.queryResult"
        case .sample: "*template.sample"
        case .data: "*template.tmplData"
        case .time: "*time.Time"
        }
    }

    /// Go's truth for `if`, `with`, `and`, `or` and `not`: false, zero, nil and empty are false.
    var isTrue: Bool {
        switch self {
        case .string(let text): !text.isEmpty
        case .float(let number): number != 0
        case .int(let number): number != 0
        case .bool(let flag): flag
        case .null: false
        case .stringMap(let map): !map.isEmpty
        case .map(let map): !map.isEmpty
        case .list(let list): !list.isEmpty
        case .samples(let samples): !samples.isEmpty
        case .sample, .data, .time: true
        }
    }

    /// The value as `{{ }}` prints it: Go's `%v`, except that nil prints as `<no value>`.
    var templateText: String {
        if case .null = self { return "<no value>" }
        return goText
    }

    /// Go's `%v` of the value.
    var goText: String {
        switch self {
        case .string(let text): text
        case .float(let number): GoFloatFormat.shortest(number)
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null: "<nil>"
        case .stringMap(let map):
            "map[" + map.keys.sorted().map { "\($0):\(map[$0] ?? "")" }.joined(separator: " ") + "]"
        case .map(let map):
            "map[" + map.keys.sorted().map { "\($0):\(map[$0]?.goText ?? "")" }.joined(separator: " ") + "]"
        case .list(let list):
            "[" + list.map(\.goText).joined(separator: " ") + "]"
        case .samples(let samples):
            "[" + samples.map { TemplateValue.sample($0).goText }.joined(separator: " ") + "]"
        case .sample(let sample):
            "{\(TemplateValue.stringMap(sample.labels).goText) \(GoFloatFormat.shortest(sample.value))}"
        case .data(let data):
            "{\(TemplateValue.stringMap(data.labels).goText) \(TemplateValue.stringMap(data.externalLabels).goText) "
                + "\(data.externalURL) \(GoFloatFormat.shortest(data.value))}"
        case .time(let milliseconds): GoTime.text(milliseconds: milliseconds)
        }
    }
}
