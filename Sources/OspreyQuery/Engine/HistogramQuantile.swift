import OspreyGoCompat
import OspreyModel

extension Evaluator {
    /// `histogram_quantile(q, buckets)` over classic histograms: series grouped by all labels
    /// but `le`, each group's cumulative buckets interpolated linearly.
    func histogramQuantile(_ q: [Double], _ series: [StepSeries], _ steps: Steps) throws(QueryError) -> [StepSeries] {
        struct Group {
            var labels: Labels
            var members: [(upperBound: Double, points: [Sample])] = []
        }
        var groups: [Labels: Int] = [:]
        var ordered: [Group] = []
        for item in series {
            guard let bound = item.labels["le"].flatMap(GoFloat.parse) else { continue }
            let key = item.labels.dropping(["le"])
            if let index = groups[key] {
                ordered[index].members.append((bound, item.points))
            } else {
                groups[key] = ordered.count
                ordered.append(Group(labels: key, members: [(bound, item.points)]))
            }
        }
        var result: [StepSeries] = []
        var buckets: [[Bucket]] = Array(repeating: [], count: steps.count)
        for group in ordered {
            try checkInterrupt()
            for index in buckets.indices { buckets[index].removeAll(keepingCapacity: true) }
            for member in group.members {
                for point in member.points {
                    buckets[steps.index(of: point.timestamp)].append(Bucket(upperBound: member.upperBound, count: point.value))
                }
            }
            var points: [Sample] = []
            for step in 0..<steps.count where !buckets[step].isEmpty {
                points.append(Sample(timestamp: steps.time(at: step), value: Self.bucketQuantile(q[step], &buckets[step])))
            }
            if !points.isEmpty { result.append(StepSeries(labels: group.labels, points: points)) }
        }
        return result
    }

    struct Bucket {
        var upperBound: Double
        var count: Double
    }

    static func bucketQuantile(_ q: Double, _ buckets: inout [Bucket]) -> Double {
        if q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        buckets.sort { $0.upperBound < $1.upperBound }
        guard let last = buckets.last, last.upperBound == .infinity else { return .nan }
        // Buckets with the same bound (series that differ only in the spelling of `le`) add up.
        var coalesced: [Bucket] = []
        for bucket in buckets {
            if let previous = coalesced.last, previous.upperBound == bucket.upperBound {
                coalesced[coalesced.count - 1].count += bucket.count
            } else {
                coalesced.append(bucket)
            }
        }
        // Counts must not fall as bounds rise; a lower count is taken as the maximum so far.
        var maximum = -Double.infinity
        for index in coalesced.indices {
            if coalesced[index].count > maximum {
                maximum = coalesced[index].count
            } else if coalesced[index].count < maximum {
                coalesced[index].count = maximum
            }
        }
        guard coalesced.count >= 2 else { return .nan }
        let observations = coalesced[coalesced.count - 1].count
        guard observations != 0 else { return .nan }
        var rank = q * observations
        // The first bucket whose count reaches the rank, searched among all but +Inf.
        var low = 0
        var high = coalesced.count - 1
        while low < high {
            let middle = (low + high) / 2
            if coalesced[middle].count >= rank { high = middle } else { low = middle + 1 }
        }
        let b = low
        if b == coalesced.count - 1 { return coalesced[coalesced.count - 2].upperBound }
        if b == 0, coalesced[0].upperBound <= 0 { return coalesced[0].upperBound }
        var bucketStart = 0.0
        let bucketEnd = coalesced[b].upperBound
        var count = coalesced[b].count
        if b > 0 {
            bucketStart = coalesced[b - 1].upperBound
            count -= coalesced[b - 1].count
            rank -= coalesced[b - 1].count
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count)
    }
}
