import OspreyModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A streaming parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0.
///
/// It works on bytes and yields one entry per meaningful line; samples keep their series as raw
/// bytes so that callers build labels only for series they have not seen. Errors name the line.
public struct ExpositionParser {
    public let format: ExpositionFormat
    private let bytes: [UInt8]
    private var position = 0
    private var lineNumber = 0
    /// The 1-based line of the entry `next()` returned last.
    public var line: Int { lineNumber }
    private var family = Family(name: [], type: .unknown)
    private var reachedEOF = false
    private var spans: [LabelSpan] = []
    /// With it set, `next` and `nextSample` keep each family's TYPE, HELP and UNIT in `metadata`.
    public var collectsMetadata = false
    public private(set) var metadata: [String: MetricMetadata] = [:]
    /// With it set, `nextSample` hashes every comment line into `commentDigest`: a scraper can
    /// tell that a page's metadata is unchanged without building it, as it mostly is.
    public var digestsComments = false
    public private(set) var commentDigest = CommentDigest()

    private struct Family {
        var name: [UInt8]
        var type: MetricType
        var hasType = false
        var hasHelp = false
        var hasUnit = false
    }

    public init(bytes: [UInt8], format: ExpositionFormat) {
        self.bytes = bytes
        self.format = format
    }

    public init(text: String, format: ExpositionFormat) {
        self.init(bytes: Array(text.utf8), format: format)
    }

    /// The next entry, or nil at the end of the input.
    public mutating func next() throws(ExpositionError) -> ExpositionEntry? {
        let bytes = self.bytes
        return try bytes.withUnsafeBufferPointer { buffer throws(ExpositionError) -> ExpositionEntry? in
            while let (start, end) = try nextLine(buffer) {
                if buffer[start] == UInt8(ascii: "#") {
                    guard let entry = try parseComment(buffer, start, end) else { continue }
                    if collectsMetadata { keepMetadata(entry) }
                    return entry
                }
                let sample = try parseSample(buffer, start, end)
                return .sample(
                    ParsedSample(
                        series: bytes[sample.series], value: sample.value, timestamp: sample.timestamp,
                        exemplar: sample.exemplar, type: sample.type, format: format))
            }
            return nil
        }
    }

    /// The next sample, its series as a range of the input and numbered in `series`;
    /// metadata and comment lines are checked and passed over. A text-format series the table
    /// already holds was checked when it went in, so its labels are not scanned again: what an
    /// importer or a scrape loop, which see the same series line after line, spend most on.
    public mutating func nextSample(numbering series: inout SeriesKeyTable) throws(ExpositionError) -> NumberedSample? {
        let bytes = self.bytes
        return try bytes.withUnsafeBufferPointer { buffer throws(ExpositionError) -> NumberedSample? in
            while let (start, end) = try nextLine(buffer) {
                if buffer[start] == UInt8(ascii: "#") {
                    let entry = try parseComment(buffer, start, end, materialize: collectsMetadata)
                    if let entry { keepMetadata(entry) }
                    if digestsComments { commentDigest.add(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[start..<end])) }
                    continue
                }
                var known: (end: Int, number: Int32)?
                if format == .text, let seriesEnd = SeriesScanner.unscannedEnd(buffer, from: start, to: end),
                    let number = series.find(UnsafeBufferPointer(rebasing: buffer[start..<seriesEnd]))
                {
                    known = (seriesEnd, number)
                }
                let line = try parseSample(buffer, start, end, seriesEnd: known?.end)
                let sample = RawSample(series: line.series, value: line.value, timestamp: line.timestamp)
                if let known { return NumberedSample(sample: sample, series: known.number, isNew: false) }
                let (number, isNew) = series.number(of: UnsafeBufferPointer(rebasing: buffer[line.series]))
                return NumberedSample(sample: sample, series: number, isNew: isNew)
            }
            return nil
        }
    }

    /// Every family's TYPE, HELP and UNIT in `bytes`.
    public static func metadata(of bytes: [UInt8], format: ExpositionFormat) throws(ExpositionError) -> [String: MetricMetadata] {
        var parser = ExpositionParser(bytes: bytes, format: format)
        parser.collectsMetadata = true
        var series = SeriesKeyTable()
        while try parser.nextSample(numbering: &series) != nil {}
        return parser.metadata
    }

    /// The value of the first sample named `name` whose labels include `labels`, as a reader of
    /// a `/metrics` page looks one up; nil when there is none or the page does not parse.
    public static func value(of name: String, labels: [String: String] = [:], in text: String) -> Double? {
        var parser = ExpositionParser(text: text, format: .text)
        while let entry = try? parser.next() {
            guard case .sample(let sample) = entry, sample.name == name else { continue }
            if labels.allSatisfy({ sample.labels[$0.key] == $0.value }) { return sample.value }
        }
        return nil
    }

    private mutating func keepMetadata(_ entry: ExpositionEntry) {
        switch entry {
        case .help(let metric, let text): metadata[metric, default: MetricMetadata()].help = text
        case .type(let metric, let type): metadata[metric, default: MetricMetadata()].type = type
        case .unit(let metric, let unit): metadata[metric, default: MetricMetadata()].unit = unit
        default: break
        }
    }

    /// The start and end of the next line with anything on it (leading blanks skipped in text
    /// format), or nil at the end of the input.
    @inline(__always)
    private mutating func nextLine(_ buffer: UnsafeBufferPointer<UInt8>) throws(ExpositionError) -> (Int, Int)? {
        let count = buffer.count
        while position < count {
            lineNumber += 1
            var start = position
            let end: Int
            if let newline = memchr(buffer.baseAddress! + start, 0x0A, count - start) {
                end = buffer.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            } else {
                end = count
            }
            position = end + 1
            if reachedEOF {
                throw ExpositionError(line: lineNumber, reason: "content after \"# EOF\"")
            }
            if format == .text {
                start = SeriesScanner.skipBlanks(buffer, start, end)
                if start == end { continue }
            } else if start == end {
                throw ExpositionError(line: lineNumber, reason: "empty lines are not allowed in OpenMetrics")
            }
            return (start, end)
        }
        if format == .openMetrics && !reachedEOF {
            throw ExpositionError(line: max(lineNumber, 1), reason: "missing \"# EOF\" at the end of OpenMetrics input")
        }
        return nil
    }

    // MARK: Samples

    private struct SampleLine {
        var series: Range<Int>
        var value: Double
        var timestamp: Timestamp?
        var exemplar: Exemplar?
        var type: MetricType
    }

    @inline(__always)
    private mutating func parseSample(
        _ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, seriesEnd scanned: Int? = nil
    ) throws(ExpositionError) -> SampleLine {
        let seriesEnd: Int
        if let scanned {
            seriesEnd = scanned
        } else {
            seriesEnd = try SeriesScanner.scan(buffer, from: start, to: end, format: format, line: lineNumber, into: &spans)
        }
        // Prometheus's text parsers take `a{x="1"}1`: the brace already ends the series.
        let valueFollowsBrace =
            format == .text && buffer[seriesEnd - 1] == UInt8(ascii: "}") && seriesEnd < end
            && buffer[seriesEnd] != UInt8(ascii: " ") && buffer[seriesEnd] != UInt8(ascii: "\t")
        var index = valueFollowsBrace ? seriesEnd : try expectSeparator(buffer, seriesEnd, end, before: "value")
        let valueEnd = tokenEnd(buffer, index, end)
        guard let value = FloatText.parseDouble(buffer, index, valueEnd) else {
            throw ExpositionError(line: lineNumber, reason: "invalid value \(quoted(buffer, index..<valueEnd))")
        }
        index = valueEnd
        var timestamp: Timestamp?
        var exemplar: Exemplar?
        if format == .text {
            index = SeriesScanner.skipBlanks(buffer, index, end)
            if index < end {
                let timestampEnd = tokenEnd(buffer, index, end)
                guard let milliseconds = FloatText.parseInt64(buffer, index, timestampEnd) else {
                    throw ExpositionError(
                        line: lineNumber, reason: "invalid timestamp \(quoted(buffer, index..<timestampEnd))")
                }
                timestamp = milliseconds
                index = SeriesScanner.skipBlanks(buffer, timestampEnd, end)
                if index < end {
                    throw ExpositionError(
                        line: lineNumber,
                        reason: "unexpected \(SeriesScanner.describe(buffer, index, end)) after the timestamp")
                }
            }
        } else {
            if index < end, buffer[index] == UInt8(ascii: " "), index + 1 < end, buffer[index + 1] != UInt8(ascii: "#") {
                let timestampEnd = tokenEnd(buffer, index + 1, end)
                timestamp = try openMetricsTimestamp(buffer, index + 1, timestampEnd)
                index = timestampEnd
            }
            if index < end {
                guard end - index >= 3, buffer[index] == UInt8(ascii: " "), buffer[index + 1] == UInt8(ascii: "#"),
                    buffer[index + 2] == UInt8(ascii: " ")
                else {
                    throw ExpositionError(
                        line: lineNumber, reason: "unexpected \(SeriesScanner.describe(buffer, index, end)) after the value")
                }
                exemplar = try parseExemplar(buffer, index + 3, end)
            }
        }
        let type =
            family.name.isEmpty
            ? .unknown : try familyType(ofSampleNamed: buffer, start, seriesNameEnd(buffer, start, seriesEnd))
        return SampleLine(series: start..<seriesEnd, value: value, timestamp: timestamp, exemplar: exemplar, type: type)
    }

    /// Requires the separator before a token: one space in OpenMetrics, any spaces or tabs in text.
    @inline(__always)
    private func expectSeparator(
        _ buffer: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int, before what: String
    ) throws(ExpositionError) -> Int {
        guard index < end, buffer[index] == UInt8(ascii: " ") || (format == .text && buffer[index] == UInt8(ascii: "\t"))
        else {
            let found = SeriesScanner.describe(buffer, index, end)
            throw ExpositionError(line: lineNumber, reason: "expected a space and a \(what), found \(found)")
        }
        if format == .openMetrics {
            guard index + 1 < end, buffer[index + 1] != UInt8(ascii: " ") else {
                throw ExpositionError(line: lineNumber, reason: "expected a single space and a \(what)")
            }
            return index + 1
        }
        let next = SeriesScanner.skipBlanks(buffer, index, end)
        guard next < end else { throw ExpositionError(line: lineNumber, reason: "missing \(what)") }
        return next
    }

    @inline(__always)
    private func tokenEnd(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var index = start
        while index < end, buffer[index] != UInt8(ascii: " "), buffer[index] != UInt8(ascii: "\t") { index += 1 }
        return index
    }

    @inline(__always)
    private func seriesNameEnd(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var index = start
        while index < end, MetricNames.isNameContinuation(buffer[index], allowColon: true) { index += 1 }
        return index
    }

    private func openMetricsTimestamp(
        _ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) throws(ExpositionError) -> Timestamp {
        if let milliseconds = FloatText.parseSecondsAsMilliseconds(buffer, start, end) { return milliseconds }
        guard let seconds = FloatText.parseDouble(buffer, start, end), seconds.isFinite,
            abs(seconds) < Double(Int64.max) / 1000
        else {
            throw ExpositionError(line: lineNumber, reason: "invalid timestamp \(quoted(buffer, start..<end))")
        }
        return Timestamp((seconds * 1000).rounded())
    }

    private func parseExemplar(
        _ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) throws(ExpositionError) -> Exemplar {
        var spans: [LabelSpan] = []
        let labelsEnd = try SeriesScanner.scan(
            buffer, from: start, to: end, format: format, line: lineNumber, nameRequired: false, into: &spans)
        let labels = SeriesScanner.labels(buffer, name: start..<start, spans: spans)
        let runes = labels.reduce(0) { $0 + $1.name.unicodeScalars.count + $1.value.unicodeScalars.count }
        guard runes <= 128 else {
            throw ExpositionError(
                line: lineNumber, reason: "exemplar labels have \(runes) characters, OpenMetrics allows at most 128")
        }
        var index = try expectSeparator(buffer, labelsEnd, end, before: "exemplar value")
        let valueEnd = tokenEnd(buffer, index, end)
        guard let value = FloatText.parseDouble(buffer, index, valueEnd) else {
            throw ExpositionError(line: lineNumber, reason: "invalid exemplar value \(quoted(buffer, index..<valueEnd))")
        }
        index = valueEnd
        var timestamp: Timestamp?
        if index < end {
            index = try expectSeparator(buffer, index, end, before: "exemplar timestamp")
            let timestampEnd = tokenEnd(buffer, index, end)
            timestamp = try openMetricsTimestamp(buffer, index, timestampEnd)
            guard timestampEnd == end else {
                throw ExpositionError(
                    line: lineNumber,
                    reason: "unexpected \(SeriesScanner.describe(buffer, timestampEnd, end)) after the exemplar")
            }
        }
        return Exemplar(labels: Labels(labels), value: value, timestamp: timestamp)
    }

    /// The type of the current family if the sample belongs to it (its name, or its name plus a
    /// suffix the type allows); `unknown` otherwise.
    @inline(__always)
    private func familyType(
        ofSampleNamed buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) throws(ExpositionError) -> MetricType {
        let familyName = family.name
        let nameLength = end - start
        guard nameLength >= familyName.count, !familyName.isEmpty else { return .unknown }
        for offset in 0..<familyName.count where buffer[start + offset] != familyName[offset] { return .unknown }
        let suffix = UnsafeBufferPointer(rebasing: buffer[(start + familyName.count)..<end])
        if suffix.isEmpty {
            if format == .openMetrics, family.type == .counter {
                throw ExpositionError(
                    line: lineNumber,
                    reason: "counter sample \"\(SeriesScanner.text(buffer, start..<end))\" must end in _total")
            }
            return family.type
        }
        return Self.sampleSuffixes(of: family.type).contains { $0.elementsEqual(suffix) } ? family.type : .unknown
    }

    private static let counterSuffixes = ["_total", "_created"].map { Array($0.utf8) }
    private static let histogramSuffixes = ["_bucket", "_count", "_sum", "_created"].map { Array($0.utf8) }
    private static let gaugeHistogramSuffixes = ["_bucket", "_gcount", "_gsum"].map { Array($0.utf8) }
    private static let summarySuffixes = ["_count", "_sum", "_created"].map { Array($0.utf8) }
    private static let infoSuffixes = [Array("_info".utf8)]

    /// The suffixes a sample name may add to its family's name.
    private static func sampleSuffixes(of type: MetricType) -> [[UInt8]] {
        switch type {
        case .counter: counterSuffixes
        case .histogram: histogramSuffixes
        case .gaugehistogram: gaugeHistogramSuffixes
        case .summary: summarySuffixes
        case .info: infoSuffixes
        case .gauge, .stateset, .unknown: []
        }
    }

    // MARK: Comments and metadata

    /// Reads a comment line. With `materialize` false (importers, scrapes) it only checks the
    /// line and tracks the family, building no strings unless it has an error to report.
    private mutating func parseComment(
        _ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, materialize: Bool = true
    ) throws(ExpositionError) -> ExpositionEntry? {
        var index = start + 1
        if format == .openMetrics {
            if Self.matches(buffer, index, end, " EOF"), index + 4 == end {
                reachedEOF = true
                return nil
            }
            guard
                Self.matches(buffer, index, end, " HELP ") || Self.matches(buffer, index, end, " TYPE ")
                    || Self.matches(buffer, index, end, " UNIT ")
            else {
                throw ExpositionError(
                    line: lineNumber, reason: "OpenMetrics allows only \"# HELP\", \"# TYPE\", \"# UNIT\" and \"# EOF\" comments")
            }
            index += 1
        } else {
            let afterHash = SeriesScanner.skipBlanks(buffer, index, end)
            // A `#` without a following blank, or any other word, is a free comment in text format.
            guard afterHash > index else { return nil }
            index = afterHash
        }
        let keywordEnd = tokenEnd(buffer, index, end)
        let keyword: String
        switch keywordEnd - index {
        case 4 where Self.matches(buffer, index, end, "HELP"): keyword = "HELP"
        case 4 where Self.matches(buffer, index, end, "TYPE"): keyword = "TYPE"
        case 4 where Self.matches(buffer, index, end, "UNIT") && format == .openMetrics: keyword = "UNIT"
        default: return nil
        }
        // `# HELP` or `# TYPE` with nothing after it names no metric: Prometheus reads it as a comment.
        if format == .text, SeriesScanner.skipBlanks(buffer, keywordEnd, end) == end {
            return nil
        }
        index = try expectSeparator(buffer, keywordEnd, end, before: "metric name")
        let nameEnd = seriesNameEnd(buffer, index, end)
        guard nameEnd > index, MetricNames.isNameStart(buffer[index], allowColon: true) else {
            throw ExpositionError(
                line: lineNumber, reason: "invalid metric name in # \(keyword): \(SeriesScanner.describe(buffer, index, end))")
        }
        let nameRange = index..<nameEnd
        let name = { SeriesScanner.text(buffer, nameRange) }
        let sameFamily =
            family.name.count == nameRange.count
            && family.name.withUnsafeBufferPointer {
                $0.baseAddress.map { memcmp($0, buffer.baseAddress! + index, nameRange.count) == 0 } ?? false
            }
        if !sameFamily {
            family = Family(name: Array(buffer[nameRange]), type: .unknown)
        }
        switch keyword {
        case "HELP":
            try claim(\.hasHelp, "HELP", for: name)
            var textStart = nameEnd
            if textStart < end {
                textStart = try expectSeparatorOrText(buffer, nameEnd, end, keyword: keyword)
            }
            let text = UnsafeBufferPointer(rebasing: buffer[textStart..<end])
            guard text.allSatisfy({ $0 < 0x80 }) || String(validating: text, as: UTF8.self) != nil else {
                throw ExpositionError(line: lineNumber, reason: "HELP text of \(name()) is not valid UTF-8")
            }
            return materialize ? .help(metric: name(), text: unescapeHelp(buffer, textStart..<end)) : nil
        case "TYPE":
            try claim(\.hasType, "TYPE", for: name)
            let typeStart = try expectSeparator(buffer, nameEnd, end, before: "type")
            let typeEnd = tokenEnd(buffer, typeStart, end)
            let word = SeriesScanner.text(buffer, typeStart..<typeEnd)
            guard let type = metricType(word) else {
                throw ExpositionError(line: lineNumber, reason: "unknown metric type \"\(word)\" for \(name())")
            }
            if SeriesScanner.skipBlanks(buffer, typeEnd, end) < end || (format == .openMetrics && typeEnd < end) {
                throw ExpositionError(line: lineNumber, reason: "unexpected text after the type of \(name())")
            }
            family.type = type
            return materialize ? .type(metric: name(), type) : nil
        default:
            try claim(\.hasUnit, "UNIT", for: name)
            let unitStart = nameEnd == end ? end : try expectSeparatorOrText(buffer, nameEnd, end, keyword: keyword)
            let unit = SeriesScanner.text(buffer, unitStart..<end)
            if !unit.isEmpty && !name().hasSuffix("_" + unit) {
                throw ExpositionError(line: lineNumber, reason: "unit \"\(unit)\" is not a suffix of metric name \(name())")
            }
            return materialize ? .unit(metric: name(), unit: unit) : nil
        }
    }

    /// Whether the bytes at `index` spell `text`.
    private static func matches(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int, _ text: StaticString) -> Bool {
        guard end - index >= text.utf8CodeUnitCount else { return false }
        return memcmp(buffer.baseAddress! + index, text.utf8Start, text.utf8CodeUnitCount) == 0
    }

    private mutating func claim(
        _ flag: WritableKeyPath<Family, Bool>, _ keyword: String, for name: () -> String
    ) throws(ExpositionError) {
        if family[keyPath: flag] {
            throw ExpositionError(line: lineNumber, reason: "second # \(keyword) line for \(name())")
        }
        family[keyPath: flag] = true
    }

    /// HELP and UNIT text starts after one separator; in text format the text may itself begin
    /// with more blanks, which Prometheus drops.
    private func expectSeparatorOrText(
        _ buffer: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int, keyword: String
    ) throws(ExpositionError) -> Int {
        guard buffer[index] == UInt8(ascii: " ") || (format == .text && buffer[index] == UInt8(ascii: "\t")) else {
            throw ExpositionError(line: lineNumber, reason: "expected a space after the metric name in # \(keyword)")
        }
        return format == .text ? SeriesScanner.skipBlanks(buffer, index, end) : index + 1
    }

    private func metricType(_ word: String) -> MetricType? {
        switch format {
        case .text:
            switch word {
            case "counter": .counter
            case "gauge": .gauge
            case "histogram": .histogram
            case "summary": .summary
            case MetricType.untypedName: .unknown
            default: nil
            }
        case .openMetrics:
            MetricType(rawValue: word)
        }
    }

    /// The text format escapes only `\\` and `\n` in HELP; OpenMetrics adds `\"`.
    private func unescapeHelp(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        guard format == .text else { return SeriesScanner.unescape(buffer, range) }
        let text = SeriesScanner.text(buffer, range)
        guard text.contains("\\") else { return text }
        var result = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch iterator.next() {
            case "\\": result += "\\"
            case "n": result += "\n"
            case let other?: result += "\\" + String(other)
            case nil: result += "\\"
            }
        }
        return result
    }

    private func quoted(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        "\"\(SeriesScanner.text(buffer, range))\""
    }
}
