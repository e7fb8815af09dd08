import Foundation
import OspreyGoCompat
import OspreyModel

/// The functions over range vectors, each reducing one window of samples to a value (nil for
/// no value), with Prometheus 2's arithmetic.
enum RangeFunctions {
    /// `hasResets` false promises the window holds no drop (so the correction loop adds nothing).
    static func rate(
        _ window: ArraySlice<Sample>, rangeStart: Timestamp, rangeEnd: Timestamp, isCounter: Bool, hasResets: Bool = true, isRate: Bool
    ) -> Double? {
        guard window.count >= 2, let first = window.first, let last = window.last else { return nil }
        var result = last.value - first.value
        if isCounter, hasResets {
            var previous = 0.0
            for sample in window {
                if sample.value < previous { result += previous }
                previous = sample.value
            }
        }
        // A window that `@` or `offset` put at the end of time must not trap.
        var durationToStart = rangeStart.seconds(until: first.timestamp)
        let durationToEnd = last.timestamp.seconds(until: rangeEnd)
        let sampledInterval = first.timestamp.seconds(until: last.timestamp)
        let averageInterval = sampledInterval / Double(window.count - 1)
        if isCounter, result > 0, first.value >= 0 {
            // A counter starts at zero: extrapolating further back than that would invent
            // negative counts.
            let durationToZero = sampledInterval * (first.value / result)
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        let threshold = averageInterval * 1.1
        var extrapolated = sampledInterval
        extrapolated += durationToStart < threshold ? durationToStart : averageInterval / 2
        extrapolated += durationToEnd < threshold ? durationToEnd : averageInterval / 2
        result *= extrapolated / sampledInterval
        if isRate { result /= rangeStart.seconds(until: rangeEnd) }
        return result
    }

    /// For each position, how many samples up to it fell below the one before: the drops in
    /// `i...j` are `counts[j] - counts[i]`.
    static func resetCounts(_ samples: [Sample]) -> [Int32] {
        var counts = [Int32](repeating: 0, count: samples.count)
        var count: Int32 = 0
        for index in samples.indices.dropFirst() {
            if samples[index].value < samples[index - 1].value { count += 1 }
            counts[index] = count
        }
        return counts
    }

    static func instant(_ window: ArraySlice<Sample>, isRate: Bool) -> Double? {
        guard window.count >= 2 else { return nil }
        let last = window[window.endIndex - 1]
        let previous = window[window.endIndex - 2]
        var result = isRate && last.value < previous.value ? last.value : last.value - previous.value
        guard last.timestamp != previous.timestamp else { return nil }
        if isRate { result /= previous.timestamp.seconds(until: last.timestamp) }
        return result
    }

    static func average(_ window: ArraySlice<Sample>) -> Double {
        var mean = 0.0
        var compensation = 0.0
        var count = 0.0
        for sample in window {
            count += 1
            if mean.isInfinite {
                if sample.value.isInfinite, (mean > 0) == (sample.value > 0) { continue }
                if !sample.value.isInfinite, !sample.value.isNaN { continue }
            }
            GoFloat.kahanAdd(sample.value / count - mean / count, &mean, &compensation)
        }
        return mean.isInfinite ? mean : mean + compensation
    }

    static func sum(_ window: ArraySlice<Sample>) -> Double {
        var sum = 0.0
        var compensation = 0.0
        for sample in window { GoFloat.kahanAdd(sample.value, &sum, &compensation) }
        return sum.isInfinite ? sum : sum + compensation
    }

    static func maximum(_ window: ArraySlice<Sample>) -> Double {
        var result = window[window.startIndex].value
        for sample in window where sample.value > result || result.isNaN { result = sample.value }
        return result
    }

    static func minimum(_ window: ArraySlice<Sample>) -> Double {
        var result = window[window.startIndex].value
        for sample in window where sample.value < result || result.isNaN { result = sample.value }
        return result
    }

    static func variance(_ window: ArraySlice<Sample>) -> Double {
        var count = 0.0
        var mean = 0.0
        var meanCompensation = 0.0
        var aux = 0.0
        var auxCompensation = 0.0
        for sample in window {
            count += 1
            let delta = sample.value - (mean + meanCompensation)
            GoFloat.kahanAdd(delta / count, &mean, &meanCompensation)
            GoFloat.kahanAdd(delta * (sample.value - (mean + meanCompensation)), &aux, &auxCompensation)
        }
        return (aux + auxCompensation) / count
    }

    static func changes(_ window: ArraySlice<Sample>) -> Double {
        var count = 0.0
        var previous = window[window.startIndex].value
        for sample in window.dropFirst() {
            if sample.value != previous, !(sample.value.isNaN && previous.isNaN) { count += 1 }
            previous = sample.value
        }
        return count
    }

    static func resets(_ window: ArraySlice<Sample>) -> Double {
        var count = 0.0
        var previous = window[window.startIndex].value
        for sample in window.dropFirst() {
            if sample.value < previous { count += 1 }
            previous = sample.value
        }
        return count
    }

    /// Least-squares slope and intercept at `interceptTime`, with compensated sums.
    static func linearRegression(_ window: ArraySlice<Sample>, interceptTime: Timestamp) -> (slope: Double, intercept: Double) {
        var n = 0.0
        var sumX = 0.0
        var cX = 0.0
        var sumY = 0.0
        var cY = 0.0
        var sumXY = 0.0
        var cXY = 0.0
        var sumX2 = 0.0
        var cX2 = 0.0
        let initial = window[window.startIndex].value
        var constant = true
        for (index, sample) in window.enumerated() {
            if constant, index > 0, sample.value != initial { constant = false }
            n += 1
            // `predict_linear` puts the intercept at the step's time, which `@` can put 292
            // million years from the samples.
            let x = interceptTime.seconds(until: sample.timestamp)
            GoFloat.kahanAdd(x, &sumX, &cX)
            GoFloat.kahanAdd(sample.value, &sumY, &cY)
            GoFloat.kahanAdd(x * sample.value, &sumXY, &cXY)
            GoFloat.kahanAdd(x * x, &sumX2, &cX2)
        }
        if constant {
            return initial.isInfinite ? (.nan, .nan) : (0, initial)
        }
        sumX += cX
        sumY += cY
        sumXY += cXY
        sumX2 += cX2
        let covariance = sumXY - sumX * sumY / n
        let varianceX = sumX2 - sumX * sumX / n
        let slope = covariance / varianceX
        return (slope, sumY / n - slope * sumX / n)
    }

    static func holtWinters(_ window: ArraySlice<Sample>, smoothing: Double, trend: Double) -> Double? {
        guard window.count >= 2 else { return nil }
        let values = window.map(\.value)
        var s0 = 0.0
        var s1 = values[0]
        var b = values[1] - values[0]
        for index in 1..<values.count {
            let x = smoothing * values[index]
            if index > 1 { b = trend * (s1 - s0) + (1 - trend) * b }
            let y = (1 - smoothing) * (s1 + b)
            s0 = s1
            s1 = x + y
        }
        return s1
    }

    /// Prometheus's `quantile`: linear interpolation between the closest ranks.
    static func quantile(_ q: Double, _ unsorted: [Double]) -> Double {
        guard !unsorted.isEmpty, !q.isNaN else { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        // NaNs sort first, as Go's sort with Prometheus's `Less` places them.
        let values = unsorted.sorted { $0.isNaN ? !$1.isNaN : (!$1.isNaN && $0 < $1) }
        let n = Double(values.count)
        let rank = q * (n - 1)
        let lower = Swift.max(0, rank.rounded(.down))
        let upper = Swift.min(n - 1, lower + 1)
        let weight = rank - rank.rounded(.down)
        return values[Int(lower)] * (1 - weight) + values[Int(upper)] * weight
    }
}
