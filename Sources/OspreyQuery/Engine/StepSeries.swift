import OspreyModel

/// One series of an instant vector evaluated at every step: points only where it has a value,
/// each at a step's time.
struct StepSeries {
    var labels: Labels
    var points: [Sample]
}

/// The evaluation instants: `start`, `start + interval`, ... up to `end`.
struct Steps: Equatable {
    let start: Timestamp
    let end: Timestamp
    let interval: Int64

    init(start: Timestamp, end: Timestamp, interval: Int64) {
        self.start = start
        self.end = end
        self.interval = Swift.max(interval, 1)
    }

    var count: Int { Int((end - start) / interval) + 1 }
    func time(at index: Int) -> Timestamp { start + Int64(index) * interval }
    func index(of time: Timestamp) -> Int { Int((time - start) / interval) }
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
    /// Prometheus's `labels.Compare`: pairwise by name then value, bytewise, then by length.
    static func prometheusOrder(_ a: Labels, _ b: Labels) -> Bool {
        for (x, y) in zip(a.pairs, b.pairs) {
            if x.name != y.name { return x.name.utf8.lexicographicallyPrecedes(y.name.utf8) }
            if x.value != y.value { return x.value.utf8.lexicographicallyPrecedes(y.value.utf8) }
        }
        return a.count < b.count
    }

    var droppingMetricName: Labels { removing(Labels.metricName) }

    /// Only the labels named in `names` (`by`, `on`).
    func keeping(_ names: Set<String>) -> Labels {
        Labels(pairs.filter { names.contains($0.name) })
    }

    /// Without the labels named in `names` nor the metric name (`without`, `ignoring`).
    func dropping(_ names: Set<String>) -> Labels {
        Labels(pairs.filter { !names.contains($0.name) && $0.name != Labels.metricName })
    }
}
