import Foundation
import OspreyModel
import OspreyStorage

/// A real metrics storage in a temporary folder, removed when the test is done with it.
final class TemporaryStorage: Sendable {
    let path: String
    let storage: MetricsStorage

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-rules-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        storage = try MetricsStorage(path: path)
    }

    deinit {
        try? storage.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Stores one sample of the series `labels`.
    func add(_ labels: [String: String], at time: Timestamp, _ value: Double) throws {
        var appender = storage.appender()
        try appender.append(Labels(labels), timestamp: time, value: value)
        try appender.commit()
    }

    /// Every stored sample of the series with exactly these labels.
    func samples(_ labels: [String: String]) throws -> [Sample] {
        let matchers = labels.map { LabelMatcher.equal($0.key, $0.value) }
        return try storage.querier(minTime: .min, maxTime: .max).select(matchers)
            .filter { $0.labels == Labels(labels) }.flatMap(\.samples)
    }
}
