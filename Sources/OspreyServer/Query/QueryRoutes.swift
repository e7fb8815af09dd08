import Hummingbird
import OspreyModel
import OspreyQuery
import OspreyStorage

/// Prometheus's HTTP query API, endpoint for endpoint as `web/api/v1/api.go` of Prometheus 2.42
/// serves it: the same parameters, checked in the same order, the same answers and the same
/// error words, so Grafana and the API clients cannot tell Osprey from Prometheus.
struct QueryRoutes<Context: ConnectionRequestContext> {
    let gate: QueryGate

    func register(on router: Router<Context>) {
        let routes: [(RouterPath, @Sendable (Request, Context) async throws -> Response)] = [
            ("/api/v1/query", query),
            ("/api/v1/query_range", queryRange),
            ("/api/v1/query_exemplars", queryExemplars),
            ("/api/v1/format_query", formatQuery),
            ("/api/v1/series", series),
            ("/api/v1/labels", labelNames),
            ("/api/v1/label/:name/values", labelValues),
            ("/api/v1/metadata", metadata),
        ]
        // Prometheus takes each with GET and with a form POST (for queries too long for a URL).
        for (path, handler) in routes {
            router.get(path, use: handler)
            router.post(path, use: handler)
        }
    }

    /// `query`, `time` (default now), `timeout`: the query's value at one instant.
    @Sendable func query(_ request: Request, context: Context) async throws -> Response {
        try await gate.handle(request) { admitted in
            let form = admitted.form
            let time = try form.time("time", default: SystemClock().now())
            let timeout = try form.timeout(within: admitted.configuration)
            let engine = QueryEngine(options: admitted.configuration.engineOptions(timeout: timeout, evaluationInterval: admitted.evaluationInterval))
            let (text, queryable) = (form["query"], admitted.queryable)
            let disconnect = await ClientDisconnectHandler.signal(of: context.channel)
            let started = ContinuousClock.now
            defer {
                gate.queryLog.record(
                    to: admitted.queryLogFile, query: text, start: time, end: time, step: 0, took: ContinuousClock.now - started)
            }
            do throws(QueryError) {
                let value = try await QueryExecution.run(disconnect: disconnect) {
                    () async throws(QueryError) in
                    try await engine.instantQuery(text, at: time, from: queryable)
                }
                return APIResponse.success(capacity: value.estimatedJSONBytes) { $0.queryData(value) }
            } catch .parse(let error) {
                throw APIError.invalidParameter("query", error.description)
            } catch {
                throw APIError(error)
            }
        }
    }

    /// `query`, `start`, `end`, `step`, `timeout`: the query's value at each step, as a matrix.
    @Sendable func queryRange(_ request: Request, context: Context) async throws -> Response {
        try await gate.handle(request) { admitted in
            let form = admitted.form
            let start = try form.requiredTime("start")
            let end = try form.requiredTime("end")
            guard end >= start else {
                throw APIError.invalidParameter("end", "end timestamp must not be before start time")
            }
            let step = try form.duration("step")
            guard step > 0 else {
                throw APIError.invalidParameter(
                    "step", "zero or negative query resolution step widths are not accepted. Try a positive integer")
            }
            // Prometheus's safety limit: enough for 60 s resolution over a week, or 1 h over a year.
            // Unsigned: from the earliest time to the latest is more than `Int64.max` milliseconds.
            guard UInt64(bitPattern: end &- start) / UInt64(step) <= 11_000 else {
                throw APIError.badData(
                    "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
            }
            let timeout = try form.timeout(within: admitted.configuration)
            let engine = QueryEngine(options: admitted.configuration.engineOptions(timeout: timeout, evaluationInterval: admitted.evaluationInterval))
            let (text, queryable) = (form["query"], admitted.queryable)
            let disconnect = await ClientDisconnectHandler.signal(of: context.channel)
            let started = ContinuousClock.now
            defer {
                gate.queryLog.record(
                    to: admitted.queryLogFile, query: text, start: start, end: end, step: step, took: ContinuousClock.now - started)
            }
            do throws(QueryError) {
                let value = try await QueryExecution.run(disconnect: disconnect) {
                    () async throws(QueryError) in
                    try await engine.rangeQuery(text, start: start, end: end, step: step, from: queryable)
                }
                return APIResponse.success(capacity: value.estimatedJSONBytes) { $0.queryData(value) }
            } catch {
                // Unlike an instant query's, Prometheus does not name the parameter here.
                throw APIError(error)
            }
        }
    }

    /// Osprey keeps no exemplars yet: after checking the parameters as Prometheus does, an
    /// empty list, which Grafana shows as "no exemplars".
    @Sendable func queryExemplars(_ request: Request, context: Context) async throws -> Response {
        try await gate.handle(request) { admitted in
            let form = admitted.form
            let start = try form.time("start", default: APITime.minTime)
            let end = try form.time("end", default: APITime.maxTime)
            guard end >= start else { throw APIError.badData("end timestamp must not be before start timestamp") }
            do throws(ParseError) {
                _ = try PromQL.parse(form["query"])
            } catch {
                throw APIError.badData(error.description)
            }
            return APIResponse.success { $0.raw("[]") }
        }
    }

    /// `query` laid out by the parser's pretty-printer.
    @Sendable func formatQuery(_ request: Request, context: Context) async throws -> Response {
        try await gate.handle(request) { admitted in
            let expr: Expr
            do throws(ParseError) {
                expr = try PromQL.parse(admitted.form["query"])
            } catch {
                throw APIError.invalidParameter("query", error.description)
            }
            let pretty = PromQL.prettify(expr)
            return APIResponse.success { $0.string(pretty) }
        }
    }

    /// `match[]` (at least one), `start`, `end`: the label sets of the series matching any of
    /// the selectors, sorted.
    @Sendable func series(_ request: Request, context: Context) async throws -> Response {
        try await gate.handle(request) { admitted in
            let form = admitted.form
            guard !form.all("match[]").isEmpty else { throw APIError.badData("no match[] parameter provided") }
            let start = try form.time("start", default: APITime.minTime)
            let end = try form.time("end", default: APITime.maxTime)
            let matcherSets: [[LabelMatcher]]
            do throws(FormValues.MatchError) {
                matcherSets = try form.matcherSets()
            } catch {
                throw APIError.invalidParameter("match[]", error.description)
            }
            let querier = admitted.queryable.querier(minTime: start, maxTime: end)
            var found = Set<Labels>()
            for matchers in matcherSets {
                for series in try Self.read({ () throws(StorageError) in try querier.select(matchers) }) {
                    found.insert(series.labels)
                }
            }
            let sorted = found.sorted(by: Labels.prometheusOrder)
            return APIResponse.success(capacity: 64 + sorted.count * 128) { json in
                json.raw("[")
                for (index, labels) in sorted.enumerated() {
                    if index > 0 { json.raw(",") }
                    json.labels(labels)
                }
                json.raw("]")
            }
        }
    }

    /// `match[]` (optional), `start`, `end`: label names, sorted.
    @Sendable func labelNames(_ request: Request, context: Context) async throws -> Response {
        try await gate.handle(request) { admitted in
            let form = admitted.form
            let start = try form.time("start", default: APITime.minTime)
            let end = try form.time("end", default: APITime.maxTime)
            let matcherSets = try Self.bareMatcherSets(form)
            let querier = admitted.queryable.querier(minTime: start, maxTime: end)
            let names = try Self.union(matcherSets) { matchers throws(StorageError) in
                try querier.labelNames(matching: matchers)
            }
            return APIResponse.success { $0.strings(names) }
        }
    }

    /// `/api/v1/label/<name>/values` with `match[]` (optional), `start`, `end`: the label's
    /// values, sorted. Grafana lists metric names as `/api/v1/label/__name__/values`.
    @Sendable func labelValues(_ request: Request, context: Context) async throws -> Response {
        try await gate.handle(request) { admitted in
            let name = context.parameters.get("name") ?? ""
            guard MetricNames.isValidLabelName(name) else { throw APIError.badData("invalid label name: \"\(name)\"") }
            let form = admitted.form
            let start = try form.time("start", default: APITime.minTime)
            let end = try form.time("end", default: APITime.maxTime)
            let matcherSets = try Self.bareMatcherSets(form)
            let querier = admitted.queryable.querier(minTime: start, maxTime: end)
            let values = try Self.union(matcherSets) { matchers throws(StorageError) in
                try querier.labelValues(name, matching: matchers)
            }
            return APIResponse.success { $0.strings(values) }
        }
    }

    /// `limit`, `limit_per_metric`, `metric`: each family's TYPE, HELP and UNIT as scrapes and
    /// pushes gave them, `{"name":[{"type","help","unit"}]}`, names in order.
    @Sendable func metadata(_ request: Request, context: Context) async throws -> Response {
        try await gate.handle(request) { admitted in
            let form = admitted.form
            func count(_ name: String, _ error: StaticString) throws(APIError) -> Int? {
                let text = form[name]
                guard !text.isEmpty else { return nil }
                guard let value = Int(text) else { throw APIError.badData("\(error)") }
                return value
            }
            let limit = try count("limit", "limit must be a number")
            let perMetric = try count("limit_per_metric", "limit_per_metric must be a number")
            let metric = form["metric"]
            var families = try gate.access.openStorage().metadata()
                .filter { metric.isEmpty || $0.key == metric }
                .sorted { $0.key < $1.key }
            if let limit, limit >= 0 { families = Array(families.prefix(limit)) }
            return APIResponse.success { json in
                json.raw("{")
                for (index, (name, descriptions)) in families.enumerated() {
                    if index > 0 { json.raw(",") }
                    json.key(name)
                    json.raw("[")
                    let kept = perMetric.map { $0 > 0 ? Array(descriptions.suffix($0)) : descriptions } ?? descriptions
                    for (position, description) in kept.enumerated() {
                        if position > 0 { json.raw(",") }
                        json.raw(#"{"type":"#)
                        json.string(description.type.rawValue)
                        json.raw(#","help":"#)
                        json.string(description.help)
                        json.raw(#","unit":"#)
                        json.string(description.unit)
                        json.raw("}")
                    }
                    json.raw("]")
                }
                json.raw("}")
            }
        }
    }

    /// `match[]` for the label endpoints, whose errors Prometheus gives without the parameter's name.
    private static func bareMatcherSets(_ form: FormValues) throws(APIError) -> [[LabelMatcher]] {
        do throws(FormValues.MatchError) {
            return try form.matcherSets()
        } catch {
            throw .badData(error.description)
        }
    }

    /// Names or values for all series (no `match[]`), or merged over each selector's series.
    private static func union(
        _ matcherSets: [[LabelMatcher]], _ lookUp: ([LabelMatcher]) throws(StorageError) -> [String]
    ) throws(APIError) -> [String] {
        guard !matcherSets.isEmpty else { return try read { () throws(StorageError) in try lookUp([]) } }
        // By bytes: `é` and `e` with a combining accent are two values.
        var merged = Set<ExactString>()
        for matchers in matcherSets {
            merged.formUnion(try read { () throws(StorageError) in try lookUp(matchers) }.map { ExactString($0) })
        }
        return merged.sorted().map(\.text)
    }

    /// A storage failure is the server's fault: 500 `internal`, as Prometheus answers it.
    private static func read<T>(_ body: () throws(StorageError) -> T) throws(APIError) -> T {
        do throws(StorageError) {
            return try body()
        } catch {
            throw .internal(error.description)
        }
    }
}
