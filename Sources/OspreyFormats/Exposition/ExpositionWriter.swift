import OspreyModel

/// Writes metric families in either exposition format.
public struct ExpositionWriter: Sendable {
    public let format: ExpositionFormat

    public init(format: ExpositionFormat) {
        self.format = format
    }

    public func write(_ families: [MetricFamily]) -> [UInt8] {
        var output: [UInt8] = []
        write(families, into: &output)
        return output
    }

    public func write(_ families: [MetricFamily], into output: inout [UInt8]) {
        for family in families {
            write(family, into: &output)
        }
        if format == .openMetrics {
            output.append(contentsOf: "# EOF\n".utf8)
        }
    }

    public func write(_ family: MetricFamily, into output: inout [UInt8]) {
        if let help = family.help {
            output.append(contentsOf: "# HELP \(family.name) \(escapeHelp(help))\n".utf8)
        }
        output.append(contentsOf: "# TYPE \(family.name) \(typeWord(family.type))\n".utf8)
        if format == .openMetrics, let unit = family.unit {
            output.append(contentsOf: "# UNIT \(family.name) \(unit)\n".utf8)
        }
        for sample in family.samples {
            write(sample, into: &output)
        }
    }

    public func write(_ sample: FamilySample, into output: inout [UInt8]) {
        writeSeries(sample.labels, into: &output, nameRequired: true)
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: Self.formatValue(sample.value).utf8)
        if let timestamp = sample.timestamp {
            output.append(UInt8(ascii: " "))
            output.append(contentsOf: formatTimestamp(timestamp).utf8)
        }
        if format == .openMetrics, let exemplar = sample.exemplar {
            output.append(contentsOf: " # ".utf8)
            writeSeries(exemplar.labels, into: &output, nameRequired: false)
            output.append(UInt8(ascii: " "))
            output.append(contentsOf: Self.formatValue(exemplar.value).utf8)
            if let timestamp = exemplar.timestamp {
                output.append(UInt8(ascii: " "))
                output.append(contentsOf: formatTimestamp(timestamp).utf8)
            }
        }
        output.append(UInt8(ascii: "\n"))
    }

    private func writeSeries(_ labels: Labels, into output: inout [UInt8], nameRequired: Bool) {
        if nameRequired {
            output.append(contentsOf: (labels.name ?? "").utf8)
        }
        let rest = labels.filter { $0.name != Labels.metricName }
        guard !rest.isEmpty || !nameRequired else { return }
        output.append(UInt8(ascii: "{"))
        for (offset, label) in rest.enumerated() {
            if offset > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: label.name.utf8)
            output.append(contentsOf: "=\"".utf8)
            output.append(contentsOf: escapingLabelValue(label.value).utf8)
            output.append(UInt8(ascii: "\""))
        }
        output.append(UInt8(ascii: "}"))
    }

    /// Go's spellings of the special values; whole numbers without a fraction; anything else in
    /// the shortest form that reads back to the same double.
    public static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 {
            return value == 0 && value.sign == .minus ? "-0" : String(Int64(value))
        }
        return "\(value)"
    }

    /// Milliseconds in text format, seconds with a millisecond fraction in OpenMetrics.
    private func formatTimestamp(_ timestamp: Timestamp) -> String {
        guard format == .openMetrics else { return String(timestamp) }
        let sign = timestamp < 0 ? "-" : ""
        let magnitude = timestamp.magnitude
        let fraction = magnitude % 1000
        guard fraction != 0 else { return "\(sign)\(magnitude / 1000)" }
        let digits = String(fraction)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - digits.count))\(digits)"
    }

    private func typeWord(_ type: MetricType) -> String {
        switch (format, type) {
        case (.text, .counter), (.text, .gauge), (.text, .histogram), (.text, .summary): type.rawValue
        case (.text, _): MetricType.untypedName
        case (.openMetrics, _): type.rawValue
        }
    }

    private func escapeHelp(_ help: String) -> String {
        var result = ""
        for scalar in help.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\"" where format == .openMetrics: result += "\\\""
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
