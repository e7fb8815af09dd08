/// The fuzz harnesses: one per parser of outside input, each taking any bytes and checking that
/// the parser neither traps nor breaks what must hold of its answer. `osprey-fuzz` hands them to
/// libFuzzer, and the corpus replay test runs every committed input through them.
public enum FuzzHarness: String, CaseIterable, Sendable {
    /// The Prometheus text format 0.0.4, as pushed to `/api/v1/import/prometheus` and scraped.
    case text
    /// OpenMetrics 1.0, as scraped.
    case openMetrics = "openmetrics"
    /// VictoriaMetrics's JSON lines, as pushed to `/api/v1/import`.
    case jsonImport = "json-import"
    /// The pushgateway's `/metrics/job/<job>{/<label>/<value>}` paths.
    case pushgatewayPath = "pushgateway-path"
    /// PromQL parsing and printing.
    case promqlParse = "promql-parse"
    /// PromQL evaluation, instant and range, over a small fixed dataset.
    case promqlEval = "promql-eval"
    /// Alert templates (Go's text/template), parsed and rendered.
    case template
    /// `osprey.yml`, the agent's config and probe module files, through the strict YAML decoder.
    case config
    /// Prometheus rule files, their expressions and their templates.
    case ruleFile = "rule-file"

    /// Runs one input; traps when the parser traps or an invariant does not hold.
    public func run(_ input: UnsafeRawBufferPointer) {
        switch self {
        case .text: ExpositionHarness.run(input, format: .text)
        case .openMetrics: ExpositionHarness.run(input, format: .openMetrics)
        case .jsonImport: JSONImportHarness.run(input)
        case .pushgatewayPath: PushgatewayPathHarness.run(input)
        case .promqlParse: PromQLHarness.parse(input)
        case .promqlEval: PromQLHarness.evaluate(input)
        case .template: TemplateHarness.run(input)
        case .config: ConfigHarness.run(input)
        case .ruleFile: RuleFileHarness.run(input)
        }
    }

    /// Runs one input held in an array.
    public func run(_ input: [UInt8]) {
        input.withUnsafeBytes { run($0) }
    }
}

/// Stops the process when `condition` is false: to the fuzzer a broken invariant is a crash, and
/// its input is kept like one.
func invariant(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
    if !condition { fatalError("invariant broken: \(message())", file: file, line: line) }
}

/// Input bytes as text; invalid UTF-8 is replaced as Swift replaces it when reading a body.
func text(_ input: UnsafeRawBufferPointer) -> String {
    String(decoding: input, as: UTF8.self)
}
