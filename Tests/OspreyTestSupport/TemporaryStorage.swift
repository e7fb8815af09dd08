import Foundation
import OspreyModel
import OspreyTSDB

/// A real metrics storage in a temporary folder, removed when the test is done with it.
public final class TemporaryStorage: Sendable {
    public let path: String
    public let storage: MetricsStorage

    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-storage-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        storage = try MetricsStorage(path: path)
    }

    deinit {
        try? storage.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Stores one sample of the series `labels`.
    public func add(_ labels: [String: String], at time: Timestamp, _ value: Double) throws {
        var appender = storage.appender()
        try appender.append(Labels(labels), timestamp: time, value: value)
        try appender.commit()
    }

    /// Every stored sample of the series with exactly these labels.
    public func samples(_ labels: [String: String]) throws -> [Sample] {
        try storage.querier(minTime: .min, maxTime: .max).select(matchers(labels))
            .filter { $0.labels == Labels(labels) }.flatMap(\.samples)
    }

    /// Every stored series whose labels include these.
    public func series(matching labels: [String: String]) throws -> [Labels] {
        try storage.querier(minTime: .min, maxTime: .max).select(matchers(labels)).map(\.labels)
    }

    private func matchers(_ labels: [String: String]) -> [LabelMatcher] {
        labels.map { LabelMatcher.equal($0.key, $0.value) }
    }
}
