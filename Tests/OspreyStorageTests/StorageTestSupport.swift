import Foundation
import OspreyModel
import OspreyTSDB
import OspreyTestSupport
import Testing

/// A fresh data folder under the temporary directory for one test, removed when the body returns.
func withDataFolder<T>(_ body: (String) throws -> T) throws -> T {
    let folder = try TemporaryFolder()
    return try withExtendedLifetime(folder) { try body(folder.path) }
}

func withDataFolderAsync<T>(_ body: (String) async throws -> T) async throws -> T {
    let folder = try TemporaryFolder()
    defer { withExtendedLifetime(folder) {} }
    return try await body(folder.path)
}

/// `name{key="value", ...}` as a label set.
func labelSet(_ name: String, _ labels: KeyValuePairs<String, String> = [:]) -> Labels {
    Labels([Label(Labels.metricName, name)] + labels.map { Label($0.key, $0.value) })
}

/// A timestamp a little before now, on a whole second, so retention accepts it.
func recentTime(secondsAgo: Int64 = 3600) -> Timestamp {
    (SystemClock().now() / 1000 - secondsAgo) * 1000
}

extension MetricsStorage {
    /// Every matching series with its samples over `minTime ... maxTime`, by label set.
    func samples(
        _ matchers: [LabelMatcher], from minTime: Timestamp = 0, to maxTime: Timestamp = .max
    ) throws -> [Labels: [Sample]] {
        var result: [Labels: [Sample]] = [:]
        for stored in try querier(minTime: minTime, maxTime: maxTime).select(matchers) {
            #expect(result[stored.labels] == nil, "series \(stored.labels) returned twice")
            result[stored.labels] = stored.samples
        }
        return result
    }

    /// The samples of one series, empty when the select leaves it out.
    func samples(of labels: Labels, from minTime: Timestamp = 0, to maxTime: Timestamp = .max) throws -> [Sample] {
        let matchers = labels.map { LabelMatcher.equal($0.name, $0.value) }
        return try samples(matchers, from: minTime, to: maxTime)[labels] ?? []
    }

    /// Appends `samples` to one series in one batch and commits it.
    func write(_ labels: Labels, _ samples: [Sample]) throws {
        var appender = appender()
        for sample in samples {
            try appender.append(labels, timestamp: sample.timestamp, value: sample.value)
        }
        try appender.commit()
    }
}

/// Bit pattern text of a value, for failure messages about NaNs.
func bits(_ samples: [Sample]) -> String {
    samples.map { "(\($0.timestamp), 0x\(String($0.value.bitPattern, radix: 16)))" }.joined(separator: " ")
}
