import OspreyModel

/// One meaningful line of exposition text.
public enum ExpositionEntry: Sendable {
    case help(metric: String, text: String)
    case type(metric: String, MetricType)
    case unit(metric: String, unit: String)
    case sample(ParsedSample)
}

/// A sample line. The series is kept as the bytes it was written with, so a caller that has seen
/// the same series before (a scrape loop, an importer) can find it without building its labels.
public struct ParsedSample: Sendable {
    /// `name{labels}` exactly as in the input.
    public let series: ArraySlice<UInt8>
    public let value: Double
    /// Milliseconds since the epoch, when the line carries one.
    public let timestamp: Timestamp?
    public let exemplar: Exemplar?
    /// The type of the family the sample belongs to (`unknown` when it has none).
    public let type: MetricType
    let format: ExpositionFormat

    /// The metric name, without the labels.
    public var name: String {
        let end = series.firstIndex { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        return String(decoding: series[..<(end ?? series.endIndex)], as: UTF8.self)
    }

    /// The full label set, `__name__` included. Builds strings: call it once per new series.
    public var labels: Labels {
        do {
            return try ExpositionParser.labels(ofSeries: series, format: format)
        } catch {
            preconditionFailure("series bytes were validated when the line was parsed: \(error)")
        }
    }

    /// Whether this is an OpenMetrics-style `_created` sample of a counter, histogram or summary,
    /// which carries the series' creation time rather than a measurement.
    public var isCreatedTimestamp: Bool {
        switch type {
        case .counter, .histogram, .summary, .gaugehistogram: name.hasSuffix("_created")
        default: false
        }
    }
}

/// A sample line as `ExpositionParser.nextSample(numbering:)` gives it: the series as where it stands in
/// the input, so an importer looks it up by its bytes without a copy.
public struct RawSample: Sendable {
    /// Where `name{labels}` stands in the parser's input.
    public let series: Range<Int>
    public let value: Double
    /// Milliseconds since the epoch, when the line carries one.
    public let timestamp: Timestamp?
}

/// A sample with its series' number in a `SeriesKeyTable`, as `nextSample(numbering:)` gives it.
public struct NumberedSample: Sendable {
    public let sample: RawSample
    public let series: Int32
    /// Whether this line's series went into the table now.
    public let isNew: Bool
}

extension ExpositionParser {
    /// The labels of a series written as a sample line writes it (`name{labels}`), such as
    /// `ParsedSample.series` keeps; other bytes are an error.
    public static func labels(ofSeries series: ArraySlice<UInt8>, format: ExpositionFormat) throws(ExpositionError) -> Labels {
        var spans: [LabelSpan] = []
        let pairs = try series.withUnsafeBufferPointer { buffer throws(ExpositionError) in
            let end = try SeriesScanner.scan(buffer, from: 0, to: buffer.count, format: format, line: 1, into: &spans)
            guard end == buffer.count else {
                throw ExpositionError(line: 1, reason: "unexpected text after the series")
            }
            var nameEnd = 0
            while nameEnd < buffer.count, MetricNames.isNameContinuation(buffer[nameEnd], allowColon: true) {
                nameEnd += 1
            }
            return SeriesScanner.labels(buffer, name: 0..<nameEnd, spans: spans)
        }
        return Labels(pairs)
    }
}

/// An OpenMetrics exemplar: a traced example of what a sample counted.
public struct Exemplar: Hashable, Sendable {
    public var labels: Labels
    public var value: Double
    public var timestamp: Timestamp?

    public init(labels: Labels, value: Double, timestamp: Timestamp? = nil) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }

    public static func == (lhs: Exemplar, rhs: Exemplar) -> Bool {
        lhs.labels == rhs.labels && lhs.value.bitPattern == rhs.value.bitPattern && lhs.timestamp == rhs.timestamp
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(labels)
        hasher.combine(value.bitPattern)
        hasher.combine(timestamp)
    }
}
