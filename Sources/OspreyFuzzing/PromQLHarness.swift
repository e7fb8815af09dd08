import OspreyModel
import OspreyQuery

/// PromQL: a query that parses prints a canonical form that parses again to itself (what rule
/// files, `/api/v1/format_query` and the UI rely on), pretty or not; and evaluating any query
/// over the fixed dataset answers or refuses, instant and over a range.
enum PromQLHarness {
    static func parse(_ input: UnsafeRawBufferPointer) {
        let query = text(input)
        _ = try? PromQL.parseSelector(query)
        guard let expr = try? PromQL.parse(query) else { return }
        let printed = expr.description
        let again: Expr
        do {
            again = try PromQL.parse(printed)
        } catch {
            invariant(false, "\(query.debugDescription) prints as \(printed.debugDescription), which does not parse: \(error)")
            return
        }
        invariant(again.description == printed, "\(printed.debugDescription) prints again as \(again.description.debugDescription)")
        let pretty = PromQL.prettify(expr)
        do {
            let fromPretty = try PromQL.parse(pretty)
            invariant(fromPretty.description == printed, "pretty \(pretty.debugDescription) reads back as \(fromPretty.description.debugDescription)")
        } catch {
            invariant(false, "pretty \(pretty.debugDescription) of \(printed.debugDescription) does not parse: \(error)")
        }
    }

    static func evaluate(_ input: UnsafeRawBufferPointer) {
        guard let expr = try? PromQL.parse(text(input)) else { return }
        let engine = QueryEngine(options: FuzzDataset.options)
        let data = FuzzDataset.queryable
        _ = try? engine.instantQuery(expr, at: FuzzDataset.end, from: data)
        _ = try? engine.instantQuery(expr, at: FuzzDataset.start + 123_456, from: data)
        if expr.type == .vector || expr.type == .scalar {
            let result = try? engine.rangeQuery(
                expr, start: FuzzDataset.start, end: FuzzDataset.end, step: FuzzDataset.step, from: data)
            if case .matrix(let series)? = result {
                let steps = Int((FuzzDataset.end - FuzzDataset.start) / FuzzDataset.step) + 1
                for item in series {
                    invariant(item.samples.count <= steps, "\(item.samples.count) points for \(steps) steps in \(item.labels)")
                    invariant(
                        zip(item.samples, item.samples.dropFirst()).allSatisfy { $0.timestamp < $1.timestamp },
                        "points out of order in \(item.labels)")
                }
            }
        }
    }
}
