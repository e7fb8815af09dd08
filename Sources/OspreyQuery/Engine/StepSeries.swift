import OspreyModel

/// One series of an instant vector evaluated at every step: points only where it has a value,
/// each at a step's time.
struct StepSeries {
    var labels: Labels
    var points: [Sample]
}

extension [StepSeries] {
    /// An instant vector (one point per series) ordered by value, NaN last either way, as
    /// Prometheus's comparators for `sort`, `sort_desc`, `topk` and `bottomk` leave it.
    mutating func sortByValue(descending: Bool) {
        sort { a, b in
            let x = a.points[0].value
            let y = b.points[0].value
            if x.isNaN || y.isNaN { return !x.isNaN }
            return descending ? x > y : x < y
        }
    }
}

/// The evaluation instants: `start`, `start + interval`, ... up to `end`.
///
/// `end - start` can exceed `Int64.max` (a query from 292 million BC to 292 million AD in
/// steps of a million years), so spans are measured as unsigned distances, and a step's time,
/// which lies between `start` and `end`, is found with wrapping arithmetic, exact there.
struct Steps: Equatable {
    let start: Timestamp
    let end: Timestamp
    let interval: Int64
    /// How many steps; zero when `end` is before `start`, and at most `Int.max`, which no
    /// evaluation gets to allocate (see `Evaluator.account`).
    let count: Int

    init(start: Timestamp, end: Timestamp, interval: Int64) {
        self.start = start
        self.end = end
        self.interval = Swift.max(interval, 1)
        if end < start {
            count = 0
        } else {
            let spans = UInt64(bitPattern: end &- start) / UInt64(self.interval)
            count = spans < UInt64(Int.max) ? Int(spans) + 1 : Int.max
        }
    }

    func time(at index: Int) -> Timestamp { start &+ Int64(index) &* interval }
    func index(of time: Timestamp) -> Int { Int(UInt64(bitPattern: time &- start) / UInt64(interval)) }
}

/// A vector's elements step by step, as (series index, value): for the operations that look at
/// one instant at a time (vector matching, `topk`).
func elementsByStep(_ series: [StepSeries], _ steps: Steps) -> [[(series: Int, value: Double)]] {
    var byStep: [[(series: Int, value: Double)]] = Array(repeating: [], count: steps.count)
    for (index, item) in series.enumerated() {
        for point in item.points { byStep[steps.index(of: point.timestamp)].append((index, point.value)) }
    }
    return byStep
}

/// An intermediate result over all steps.
enum EvalValue {
    case vector([StepSeries])
    /// One value per step.
    case scalar([Double])
    case string(String)
    /// A range vector at a single instant (an instant query of `x[5m]` or of a subquery).
    case matrix([RangeSeries])
}

extension Labels {
    var droppingMetricName: Labels { removing(Labels.metricName) }

    /// Only the labels named in `names` (`by`, `on`).
    func keeping(_ names: Set<ExactString>) -> Labels {
        Labels(pairs.filter { names.contains(ExactString($0.name)) })
    }

    /// Without the labels named in `names` nor the metric name (`without`, `ignoring`).
    func dropping(_ names: Set<ExactString>) -> Labels {
        Labels(pairs.filter { !names.contains(ExactString($0.name)) && !sameBytes($0.name, Labels.metricName) })
    }
}
