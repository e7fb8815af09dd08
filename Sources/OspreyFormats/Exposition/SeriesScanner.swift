import OspreyModel

/// Where one label of a series stands in the input.
struct LabelSpan {
    var name: Range<Int>
    var value: Range<Int>
    /// Whether the value holds backslash escapes still to be undone.
    var escaped: Bool
}

/// Reads `name{label="value",...}` from bytes: the grammar shared by sample lines and exemplars.
enum SeriesScanner {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")

    /// Scans a series starting at `start`, checking its syntax and that no label name repeats, and
    /// records where each label stands in `spans`; returns the index just past the series. With
    /// `nameRequired` false the series is a bare `{...}` (an exemplar's label set).
    static func scan(
        _ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, format: ExpositionFormat,
        line: Int, nameRequired: Bool = true, into spans: inout [LabelSpan]
    ) throws(ExpositionError) -> Int {
        spans.removeAll(keepingCapacity: true)
        var index = start
        if nameRequired {
            guard index < end, MetricNames.isNameStart(buffer[index], allowColon: true) else {
                throw ExpositionError(line: line, reason: "expected a metric name, found \(describe(buffer, index, end))")
            }
            index += 1
            while index < end, MetricNames.isNameContinuation(buffer[index], allowColon: true) { index += 1 }
            if format == .text { index = skipBlanks(buffer, index, end) }
        }
        guard index < end, buffer[index] == UInt8(ascii: "{") else {
            guard nameRequired else {
                throw ExpositionError(line: line, reason: "expected '{' to open the exemplar's labels")
            }
            return nameRequired && format == .text ? trimBlanksBack(buffer, start, index) : index
        }
        index += 1
        while true {
            if format == .text { index = skipBlanks(buffer, index, end) }
            guard index < end else { throw ExpositionError(line: line, reason: "unterminated label set: missing '}'") }
            // Reached on `{}` and, in the text format, after a trailing comma.
            if buffer[index] == UInt8(ascii: "}") { return index + 1 }
            let nameStart = index
            guard MetricNames.isNameStart(buffer[index], allowColon: false) else {
                throw ExpositionError(line: line, reason: "invalid label name starting at \(describe(buffer, index, end))")
            }
            index += 1
            while index < end, MetricNames.isNameContinuation(buffer[index], allowColon: false) { index += 1 }
            let nameEnd = index
            if format == .text { index = skipBlanks(buffer, index, end) }
            guard index < end, buffer[index] == UInt8(ascii: "=") else {
                throw ExpositionError(
                    line: line, reason: "expected '=' after label name \"\(text(buffer, nameStart..<nameEnd))\"")
            }
            index += 1
            if format == .text { index = skipBlanks(buffer, index, end) }
            guard index < end, buffer[index] == quote else {
                throw ExpositionError(
                    line: line,
                    reason: "expected '\"' to open the value of label \"\(text(buffer, nameStart..<nameEnd))\"")
            }
            index += 1
            let valueStart = index
            var escaped = false
            var highBit: UInt8 = 0
            while index < end, buffer[index] != quote {
                highBit |= buffer[index]
                if buffer[index] == backslash {
                    escaped = true
                    index += 1
                    guard index < end else { break }
                } else if buffer[index] == UInt8(ascii: "\n") {
                    break
                }
                index += 1
            }
            guard index < end, buffer[index] == quote else {
                throw ExpositionError(
                    line: line, reason: "unterminated value of label \"\(text(buffer, nameStart..<nameEnd))\"")
            }
            let valueRange = valueStart..<index
            if highBit & 0x80 != 0,
                String(validating: UnsafeBufferPointer(rebasing: buffer[valueRange]), as: UTF8.self) == nil
            {
                throw ExpositionError(
                    line: line, reason: "value of label \"\(text(buffer, nameStart..<nameEnd))\" is not valid UTF-8")
            }
            try checkUnique(buffer, nameStart..<nameEnd, among: spans, line: line)
            spans.append(LabelSpan(name: nameStart..<nameEnd, value: valueRange, escaped: escaped))
            index += 1
            if format == .text { index = skipBlanks(buffer, index, end) }
            guard index < end else { throw ExpositionError(line: line, reason: "unterminated label set: missing '}'") }
            if buffer[index] == UInt8(ascii: "}") { return index + 1 }
            if buffer[index] == UInt8(ascii: ",") {
                index += 1
                if format == .openMetrics, index < end, buffer[index] == UInt8(ascii: "}") {
                    throw ExpositionError(line: line, reason: "trailing ',' before '}' is not allowed in OpenMetrics")
                }
            } else {
                throw ExpositionError(
                    line: line, reason: "expected ',' or '}' after a label value, found \(describe(buffer, index, end))")
            }
        }
    }

    /// Where a text-format series starting at `start` ends, found without checking what `scan`
    /// checks: only to look the series up among ones `scan` has accepted. For a line `scan`
    /// accepts it gives the same end; nil when no label set closes.
    static func unscannedEnd(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end, buffer[index] != UInt8(ascii: "{"), buffer[index] != UInt8(ascii: " "),
            buffer[index] != UInt8(ascii: "\t")
        {
            index += 1
        }
        let nameEnd = index
        index = skipBlanks(buffer, index, end)
        guard index < end, buffer[index] == UInt8(ascii: "{") else { return nameEnd }
        index += 1
        while index < end {
            switch buffer[index] {
            case UInt8(ascii: "}"):
                return index + 1
            case quote:
                index += 1
                while index < end, buffer[index] != quote {
                    index += buffer[index] == backslash ? 2 : 1
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    @inline(__always)
    static func skipBlanks(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var index = start
        while index < end, buffer[index] == UInt8(ascii: " ") || buffer[index] == UInt8(ascii: "\t") { index += 1 }
        return index
    }

    private static func trimBlanksBack(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var index = end
        while index > start, buffer[index - 1] == UInt8(ascii: " ") || buffer[index - 1] == UInt8(ascii: "\t") {
            index -= 1
        }
        return index
    }

    static func text(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// A short quote of what stands at `index`, for error messages.
    static func describe(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int) -> String {
        guard index < end else { return "end of line" }
        let stop = min(end, index + 20)
        return "\"\(text(buffer, index..<stop))\(stop < end ? "…" : "")\""
    }

    /// Undoes the exposition escapes `\\`, `\"` and `\n`; any other backslash stays as written,
    /// as Prometheus does.
    static func unescape(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = buffer[index]
            if byte == backslash, index + 1 < range.upperBound {
                let next = buffer[index + 1]
                switch next {
                case backslash, quote:
                    bytes.append(next)
                    index += 2
                    continue
                case UInt8(ascii: "n"):
                    bytes.append(UInt8(ascii: "\n"))
                    index += 2
                    continue
                default: break
                }
            }
            bytes.append(byte)
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension SeriesScanner {
    @inline(__always)
    private static func checkUnique(
        _ buffer: UnsafeBufferPointer<UInt8>, _ name: Range<Int>, among spans: [LabelSpan], line: Int
    ) throws(ExpositionError) {
        let length = name.count
        for span in spans where span.name.count == length {
            var same = true
            for offset in 0..<length where buffer[span.name.lowerBound + offset] != buffer[name.lowerBound + offset] {
                same = false
                break
            }
            if same {
                throw ExpositionError(line: line, reason: "duplicate label name \"\(text(buffer, name))\"")
            }
        }
        if length == 8, buffer[name.lowerBound] == UInt8(ascii: "_"), text(buffer, name) == Labels.metricName {
            throw ExpositionError(line: line, reason: "label \"__name__\" repeats the metric name")
        }
    }

    /// Builds the labels of a scanned series; `nameEnd` is where its metric name ends (the start
    /// for an exemplar, which has none).
    static func labels(
        _ buffer: UnsafeBufferPointer<UInt8>, name: Range<Int>, spans: [LabelSpan]
    ) -> [Label] {
        var labels: [Label] = []
        labels.reserveCapacity(spans.count + 1)
        if !name.isEmpty {
            labels.append(Label(Labels.metricName, text(buffer, name)))
        }
        for span in spans {
            let value = span.escaped ? unescape(buffer, span.value) : text(buffer, span.value)
            labels.append(Label(text(buffer, span.name), value))
        }
        return labels
    }
}
