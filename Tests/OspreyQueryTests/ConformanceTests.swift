import Foundation
import OspreyFormats
import OspreyModel
import OspreyQuery
import OspreyStorage
import OspreyTSDB
import Testing

/// Osprey's engine against answers recorded from Prometheus 2.42 (`Conformance/`, see its
/// README.md): the same data, the same queries, the same results, for each data set.
///
/// Each test walks all its cases and records one issue per case that differs, so one run shows
/// every gap rather than the first.
@Suite struct ConformanceTests {
    /// The loader and storage alone: if this fails, the query tests' failures say nothing about
    /// the engine.
    @Test(arguments: ConformanceDataset.allCases)
    func storageHoldsWhatPrometheusHolds(_ dataset: ConformanceDataset) async throws {
        let data = try await ConformanceData.shared(dataset)
        let expected = try ConformanceData.dataset(dataset)
        #expect(data.parsedSeries == expected.series, "series in data.om")
        #expect(data.parsedSamples == expected.samples, "samples in data.om")

        let stored = try data.storage.querier(minTime: 0, maxTime: .max)
            .select([try LabelMatcher(.regex, Labels.metricName, ".+")])
        #expect(stored.count == expected.series, "series in storage")
        #expect(stored.reduce(0) { $0 + $1.samples.count } == expected.samples, "samples in storage")
        let byLabels = Dictionary(stored.map { (ExactLabels($0.labels), $0.samples) }, uniquingKeysWith: { first, _ in first })
        for series in expected.perSeries {
            let labels = Labels(series.labels)
            guard let samples = byLabels[ExactLabels(labels)] else {
                Issue.record("\(labels) is not in storage")
                continue
            }
            if samples.count != series.samples || samples.first?.timestamp != series.firstMs
                || samples.last?.timestamp != series.lastMs
            {
                Issue.record(
                    """
                    \(labels): Prometheus holds \(series.samples) samples from \(series.firstMs) to \(series.lastMs), \
                    storage \(samples.count) from \(samples.first?.timestamp ?? -1) to \(samples.last?.timestamp ?? -1)
                    """)
            }
        }
    }

    @Test(arguments: ConformanceDataset.allCases)
    func instantQueries(_ dataset: ConformanceDataset) async throws {
        try await check(try ConformanceData.cases(dataset, "expected_instant.json").filter { !$0.expectsError }, dataset)
    }

    @Test(arguments: ConformanceDataset.allCases)
    func rangeQueries(_ dataset: ConformanceDataset) async throws {
        try await check(try ConformanceData.cases(dataset, "expected_range.json").filter { !$0.expectsError }, dataset)
    }

    /// Queries Prometheus refuses: Osprey must refuse them too, with an error of the same class.
    @Test(arguments: ConformanceDataset.allCases)
    func failingQueries(_ dataset: ConformanceDataset) async throws {
        let cases =
            try ConformanceData.cases(dataset, "expected_instant.json")
            + ConformanceData.cases(dataset, "expected_range.json")
        try await check(cases.filter(\.expectsError), dataset)
    }

    /// The harness itself, without the engine: Prometheus's own answers pass, and a small change
    /// to any of them is caught.
    @Test(arguments: ConformanceDataset.allCases)
    func comparisonAcceptsPrometheusAndCatchesChanges(_ dataset: ConformanceDataset) throws {
        let cases =
            try ConformanceData.cases(dataset, "expected_instant.json")
            + ConformanceData.cases(dataset, "expected_range.json")
        for recorded in cases {
            guard case .success(let value) = recorded.response.expected else { continue }
            let ordered = recorded.ordered ?? false
            #expect(difference(expected: value, actual: value, ordered: ordered) == nil, "\(recorded.title)")
            for changed in value.changes(ordered: ordered) {
                #expect(
                    difference(expected: value, actual: changed, ordered: ordered) != nil,
                    "\(recorded.title): \(changed.summary) passes for \(value.summary)")
            }
        }
    }

    private func check(_ cases: [RecordedCase], _ dataset: ConformanceDataset) async throws {
        #expect(!cases.isEmpty)
        let data = try await ConformanceData.shared(dataset)
        let engine = QueryEngine()
        var failed = 0
        for recorded in cases {
            if let problem = await recorded.problem(engine: engine, storage: data.storage) {
                failed += 1
                Issue.record(Comment(rawValue: "\(recorded.title)\n\(problem)"))
            }
        }
        if failed > 0 {
            Issue.record("\(dataset): \(failed) of \(cases.count) cases differ from Prometheus")
        }
    }
}

// MARK: Data

/// A data set with its queries and Prometheus's answers: a folder of `Conformance/` (the
/// README says what each holds; record.py says when each is asked).
enum ConformanceDataset: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Hand-placed edge cases over two hours (`Conformance/` itself).
    case classic
    /// A small production-like scrape over 90 minutes (`Conformance/yardstick/`).
    case yardstick

    var description: String { rawValue }

    /// The folder inside `Conformance/`, nil for `Conformance/` itself.
    var subfolder: String? { self == .classic ? nil : rawValue }

    /// The "now" of the compaction after loading: past the first day's shard, inside the data.
    var compactionTime: Timestamp {
        switch self {
        case .classic: 1_700_006_400_000
        case .yardstick: 1_701_390_000_000
        }
    }
}

/// A data set's data.om in a fresh storage, loaded once (when first asked for) for all tests
/// of the suite.
struct ConformanceData: Sendable {
    let storage: MetricsStorage
    let parsedSeries: Int
    let parsedSamples: Int

    private static let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("osprey-conformance-\(UUID().uuidString)")
    // Static lets start lazily: a data set is loaded only by the tests that ask for it.
    private static let classic = Task { try load(.classic) }
    private static let yardstick = Task { try load(.yardstick) }

    static func shared(_ dataset: ConformanceDataset) async throws -> ConformanceData {
        switch dataset {
        case .classic: try await classic.value
        case .yardstick: try await yardstick.value
        }
    }

    static func file(_ dataset: ConformanceDataset, _ name: String) throws -> URL {
        // `.copy("Conformance")` keeps the folder, subfolders included, as one resource.
        guard let folder = Bundle.module.url(forResource: "Conformance", withExtension: nil) else {
            throw SetupError(description: "the Conformance resource folder is missing from the test bundle")
        }
        let datasetFolder = dataset.subfolder.map { folder.appendingPathComponent($0) } ?? folder
        return datasetFolder.appendingPathComponent(name)
    }

    static func cases(_ dataset: ConformanceDataset, _ name: String) throws -> [RecordedCase] {
        try JSONDecoder().decode([RecordedCase].self, from: Data(contentsOf: file(dataset, name)))
    }

    static func dataset(_ dataset: ConformanceDataset) throws -> RecordedDataset {
        try JSONDecoder().decode(RecordedDataset.self, from: Data(contentsOf: file(dataset, "dataset.json")))
    }

    private static func load(_ dataset: ConformanceDataset) throws -> ConformanceData {
        let folder = root.appendingPathComponent(dataset.rawValue)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The storages stay open until the test process ends; the folder goes with them.
        atexit { try? FileManager.default.removeItem(at: ConformanceData.root) }
        // The data is from 2023: retention must reach back that far. Prometheus's chunk size
        // makes most series span several chunks, so reads cross chunk and shard boundaries.
        let storage = try MetricsStorage(
            path: folder.path,
            options: StorageOptions(retention: .seconds(100 * 365 * 86_400), samplesPerChunk: 120))
        var parser = ExpositionParser(bytes: [UInt8](try Data(contentsOf: file(dataset, "data.om"))), format: .openMetrics)
        var series = SeriesKeyTable()
        var refs: [SeriesRef] = []
        var appender = storage.appender()
        var samples = 0
        while let numbered = try parser.nextSample(numbering: &series) {
            let sample = numbered.sample
            // The parser has already turned OpenMetrics seconds into milliseconds.
            guard let timestamp = sample.timestamp else {
                throw SetupError(description: "data.om line \(parser.line) has no timestamp")
            }
            if numbered.isNew {
                let labels = try ExpositionParser.labels(ofSeries: series.key(Int(numbered.series)), format: .openMetrics)
                refs.append(try appender.append(labels, timestamp: timestamp, value: sample.value))
            } else {
                try appender.append(refs[Int(numbered.series)], timestamp: timestamp, value: sample.value)
            }
            samples += 1
            if samples % 10_000 == 0 { try appender.commit() }
        }
        try appender.commit()
        // Old data as it would be after a while: the first day's shard compacted, the second's
        // chunks partly written out and partly in the head.
        try storage.flushPending()
        try storage.recompress(before: dataset.compactionTime)
        return ConformanceData(storage: storage, parsedSeries: refs.count, parsedSamples: samples)
    }
}

/// Setup runs outside any one test, where #require has no test to fail.
struct SetupError: Error, CustomStringConvertible {
    let description: String
}

/// dataset.json: what Prometheus holds after backfilling data.om.
struct RecordedDataset: Decodable {
    struct Series: Decodable {
        let labels: [String: String]
        let samples: Int
        let firstMs: Int64
        let lastMs: Int64
    }

    let series: Int
    let samples: Int
    let perSeries: [Series]
}

// MARK: Cases

/// One query as Prometheus answered it, as record.py wrote it.
struct RecordedCase: Decodable, Sendable {
    let query: String
    let kind: String
    let timeMs: Int64?
    let startMs: Int64?
    let endMs: Int64?
    let stepMs: Int64?
    /// Whether the order of the result's series is part of the answer (sort, sort_desc).
    let ordered: Bool?
    let response: PrometheusResponse

    var expectsError: Bool { response.status != "success" }

    var title: String {
        switch kind {
        case "instant": "instant `\(query)` at \(timeMs ?? 0)"
        default: "range `\(query)` from \(startMs ?? 0) to \(endMs ?? 0) step \(stepMs ?? 0)"
        }
    }

    /// What is wrong with Osprey's answer, or nil when it is Prometheus's.
    func problem(engine: QueryEngine, storage: MetricsStorage) async -> String? {
        let answer: Result<QueryValue, QueryError>
        do {
            switch kind {
            case "instant":
                answer = .success(try await engine.instantQuery(query, at: timeMs ?? 0, from: storage))
            default:
                answer = .success(
                    try await engine.rangeQuery(
                        query, start: startMs ?? 0, end: endMs ?? 0, step: stepMs ?? 0, from: storage))
            }
        } catch {
            answer = .failure(error)
        }
        switch (response.expected, answer) {
        case (.failure(let type, let message), .failure(let error)):
            let actual = Self.errorType(of: error)
            return actual == type ? nil : "Prometheus fails with \(type) (\(message)), Osprey with \(actual) (\(error))"
        case (.failure(let type, let message), .success(let value)):
            return "Prometheus fails with \(type) (\(message)), Osprey answers \(value.summary)"
        case (.success, .failure(let error)):
            return "Osprey fails with \(Self.errorType(of: error)): \(error)"
        case (.success(let expected), .success(let actual)):
            return difference(expected: expected, actual: actual, ordered: ordered ?? false)
        }
    }

    /// The `errorType` Prometheus's API gives for the same kind of failure.
    static func errorType(of error: QueryError) -> String {
        error.errorType
    }
}

/// Prometheus's `/api/v1/query` and `/api/v1/query_range` body.
struct PrometheusResponse: Decodable, Sendable {
    enum Expected {
        case success(QueryValue)
        case failure(type: String, message: String)
    }

    let status: String
    let data: ResultData?
    let errorType: String?
    let error: String?

    var expected: Expected {
        if status == "success", let data { return .success(data.value) }
        return .failure(type: errorType ?? "?", message: error ?? "")
    }
}

/// `{"resultType": ..., "result": ...}`, decoded straight into the engine's value type.
struct ResultData: Decodable, Sendable {
    let value: QueryValue

    private enum Keys: String, CodingKey { case resultType, result }

    private struct Point: Decodable {
        let timestamp: Timestamp
        let text: String

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            // Float seconds with at most millisecond digits.
            timestamp = Timestamp((try container.decode(Double.self) * 1000).rounded())
            text = try container.decode(String.self)
        }

        var sample: Sample { Sample(timestamp: timestamp, value: prometheusValue(text)) }
    }

    private struct VectorItem: Decodable {
        let metric: [String: String]
        let value: Point
    }

    private struct MatrixItem: Decodable {
        let metric: [String: String]
        let values: [Point]
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        switch try container.decode(String.self, forKey: .resultType) {
        case "scalar":
            value = .scalar(try container.decode(Point.self, forKey: .result).sample)
        case "string":
            let point = try container.decode(Point.self, forKey: .result)
            value = .string(timestamp: point.timestamp, value: point.text)
        case "vector":
            value = .vector(
                try container.decode([VectorItem].self, forKey: .result).map {
                    VectorElement(labels: Labels($0.metric), timestamp: $0.value.timestamp, value: $0.value.sample.value)
                })
        case "matrix":
            value = .matrix(
                try container.decode([MatrixItem].self, forKey: .result).map {
                    RangeSeries(labels: Labels($0.metric), samples: $0.values.map(\.sample))
                })
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .resultType, in: container, debugDescription: "unknown result type \(other)")
        }
    }
}

/// A value as Prometheus's API writes it: Go's shortest float text, or NaN, +Inf, -Inf.
func prometheusValue(_ text: String) -> Double {
    switch text {
    case "NaN": .nan
    case "+Inf": .infinity
    case "-Inf": -.infinity
    default: Double(text) ?? .nan
    }
}

// MARK: Comparison

/// Equal within a relative 1e-9: engines may sum in another order. NaN equals NaN (Prometheus
/// has no other way to say "no number"), infinities only themselves.
func sameValue(_ a: Double, _ b: Double) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite || a == b { return a == b }
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
}

/// The first way `actual` differs from `expected`, or nil. Series are matched by label set:
/// Prometheus promises an order only for sort and sort_desc (range results it sorts by labels,
/// which an API layer can do as well as the engine).
func difference(expected: QueryValue, actual: QueryValue, ordered: Bool) -> String? {
    switch (expected, actual) {
    case (.scalar(let e), .scalar(let a)):
        return sampleDifference(e, a).map { "scalar: \($0)" }
    case (.string(let et, let ev), .string(let at, let av)):
        if et != at { return "string: timestamp \(et) expected, got \(at)" }
        return ev == av ? nil : "string: \"\(ev)\" expected, got \"\(av)\""
    case (.vector(let e), .vector(let a)):
        if let problem = seriesSetDifference(e.map(\.labels), a.map(\.labels)) { return problem }
        let actualByLabels = Dictionary(a.map { (ExactLabels($0.labels), $0) }, uniquingKeysWith: { first, _ in first })
        for element in e {
            let other = actualByLabels[ExactLabels(element.labels)]!
            if let problem = sampleDifference(
                Sample(timestamp: element.timestamp, value: element.value),
                Sample(timestamp: other.timestamp, value: other.value))
            {
                return "\(element.labels): \(problem)"
            }
        }
        if ordered {
            // Among equal values sort's order is unspecified: compare the value sequence, whose
            // series the set check above already matched.
            for (index, (x, y)) in zip(e, a).enumerated() where !sameValue(x.value, y.value) {
                return "order: position \(index) should hold \(x.labels) = \(x.value), holds \(y.labels) = \(y.value)"
            }
        }
        return nil
    case (.matrix(let e), .matrix(let a)):
        if let problem = seriesSetDifference(e.map(\.labels), a.map(\.labels)) { return problem }
        let actualByLabels = Dictionary(a.map { (ExactLabels($0.labels), $0.samples) }, uniquingKeysWith: { first, _ in first })
        for series in e {
            let samples = actualByLabels[ExactLabels(series.labels)]!
            for (x, y) in zip(series.samples, samples) {
                if let problem = sampleDifference(x, y) { return "\(series.labels): \(problem)" }
            }
            if series.samples.count != samples.count {
                let shorter = min(series.samples.count, samples.count)
                let first = (series.samples.count > shorter ? series.samples : samples)[shorter]
                return """
                    \(series.labels): \(series.samples.count) samples expected, got \(samples.count); \
                    first unmatched at \(first.timestamp) \(series.samples.count > shorter ? "missing" : "extra")
                    """
            }
        }
        return nil
    default:
        return "result type \(expected.resultType) expected, got \(actual.summary)"
    }
}

private func sampleDifference(_ expected: Sample, _ actual: Sample) -> String? {
    if expected.timestamp != actual.timestamp {
        return "timestamp \(expected.timestamp) expected, got \(actual.timestamp) (value \(actual.value))"
    }
    if !sameValue(expected.value, actual.value) {
        return "at \(expected.timestamp): \(expected.value) expected, got \(actual.value)"
    }
    return nil
}

/// A label set compared byte for byte, as Prometheus compares labels: Swift's `String`
/// equality (and so `Labels`') holds canonically equivalent texts equal, "é" and "e\u{301}".
struct ExactLabels: Hashable {
    let bytes: [UInt8]

    init(_ labels: Labels) {
        var bytes: [UInt8] = []
        for label in labels.pairs {
            bytes += label.name.utf8
            bytes.append(0xFF)  // never in UTF-8
            bytes += label.value.utf8
            bytes.append(0xFF)
        }
        self.bytes = bytes
    }
}

private func seriesSetDifference(_ expected: [Labels], _ actual: [Labels]) -> String? {
    var seen = Set<ExactLabels>()
    if let duplicate = actual.first(where: { !seen.insert(ExactLabels($0)).inserted }) {
        return "Osprey returns \(duplicate) twice"
    }
    let expectedSet = Set(expected.map(ExactLabels.init))
    if let missing = expected.first(where: { !seen.contains(ExactLabels($0)) }) {
        return "\(expected.count) series expected, got \(actual.count); missing \(missing)"
    }
    if let extra = actual.first(where: { !expectedSet.contains(ExactLabels($0)) }) {
        return "\(expected.count) series expected, got \(actual.count); unexpected \(extra)"
    }
    return nil
}

extension QueryValue {
    /// The shape of an answer, short enough for a failure message.
    var summary: String {
        switch self {
        case .scalar(let sample): "scalar \(sample.value) at \(sample.timestamp)"
        case .string(_, let value): "string \"\(value)\""
        case .vector(let elements): "vector of \(elements.count) series"
        case .matrix(let series): "matrix of \(series.count) series"
        }
    }
}

extension QueryValue {
    /// Answers that differ from this one in a single detail a comparison must not miss.
    fileprivate func changes(ordered: Bool) -> [QueryValue] {
        func nudged(_ value: Double) -> Double {
            value.isNaN || value.isInfinite ? 0 : value == 0 ? 1 : value * (1 + 1e-7)
        }
        switch self {
        case .scalar(let sample):
            return [
                .scalar(Sample(timestamp: sample.timestamp, value: nudged(sample.value))),
                .scalar(Sample(timestamp: sample.timestamp + 1, value: sample.value)),
            ]
        case .string(let timestamp, let value):
            return [.string(timestamp: timestamp, value: value + "x")]
        case .vector(var elements):
            var result: [QueryValue] = [.vector(elements + [VectorElement(labels: Labels(["extra": "1"]), timestamp: 0, value: 0)])]
            guard !elements.isEmpty else { return result }
            result.append(.vector(Array(elements.dropLast())))
            var relabeled = elements
            relabeled[0].labels = relabeled[0].labels.setting("extra", to: "1")
            result.append(.vector(relabeled))
            var retimed = elements
            retimed[0].timestamp += 1
            result.append(.vector(retimed))
            let reversed = Array(elements.reversed())
            if ordered, zip(elements, reversed).contains(where: { !sameValue($0.value, $1.value) }) {
                result.append(.vector(reversed))
            }
            elements[0].value = nudged(elements[0].value)
            result.append(.vector(elements))
            return result
        case .matrix(var series):
            let extra = RangeSeries(labels: Labels(["extra": "1"]), samples: [Sample(timestamp: 0, value: 0)])
            var result: [QueryValue] = [.matrix(series + [extra])]
            guard !series.isEmpty, !series[0].samples.isEmpty else { return result }
            result.append(.matrix(Array(series.dropLast())))
            var shorter = series
            shorter[0].samples.removeLast()
            result.append(.matrix(shorter))
            var retimed = series
            retimed[0].samples[0].timestamp -= 1
            result.append(.matrix(retimed))
            series[0].samples[series[0].samples.count - 1].value = nudged(series[0].samples[series[0].samples.count - 1].value)
            result.append(.matrix(series))
            return result
        }
    }
}
