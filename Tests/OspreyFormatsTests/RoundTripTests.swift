import OspreyFormats
import OspreyModel
import Testing

/// Families written by `ExpositionWriter` read back as the same families.
@Suite struct RoundTripTests {
    private func roundTrip(_ families: [MetricFamily], _ format: ExpositionFormat) throws -> [MetricFamily] {
        let written = ExpositionWriter(format: format).write(families)
        do {
            return try ExpositionParser.families(from: written, format: format)
        } catch {
            let text = String(decoding: written, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = error.line <= lines.count ? String(lines[error.line - 1]) : "(past the end)"
            Issue.record("\(error) in written line \(line.debugDescription)")
            throw error
        }
    }

    @Test(arguments: Fixture.allCases)
    func fixture(_ fixture: Fixture) throws {
        let families = try ExpositionParser.families(from: try fixture.bytes(), format: fixture.format)
        #expect(!families.isEmpty)
        let again = try roundTrip(families, fixture.format)
        #expect(again.count == families.count)
        for (original, copy) in zip(families, again) where original != copy {
            Issue.record("family \(original.name) changed:\n\(original)\n\(copy)")
        }
    }

    @Test(arguments: ExpositionFormat.allCases, [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func randomFamilies(_ format: ExpositionFormat, seed: UInt64) throws {
        var random = RandomFamilies(format: format, seed: seed)
        let families = random.families(count: 40)
        let again = try roundTrip(families, format)
        #expect(again.count == families.count)
        for (original, copy) in zip(families, again) where original != copy {
            var copyWithoutSamples = copy
            copyWithoutSamples.samples = original.samples
            #expect(copyWithoutSamples == original, "metadata of family \(original.name)")
            #expect(copy.samples.count == original.samples.count, "samples of family \(original.name)")
            for (sample, sampleCopy) in zip(original.samples, copy.samples) where sample != sampleCopy {
                Issue.record("\(sample)\nbecame\n\(sampleCopy)")
            }
        }
    }

    /// The shapes the writer must cover are really generated.
    @Test func generatorCoversTheHardCases() {
        var random = RandomFamilies(format: .openMetrics, seed: 1)
        let families = (0..<4).flatMap { _ in random.families(count: 40) }
        let values = families.flatMap(\.samples).map(\.value)
        #expect(values.contains { $0.isNaN })
        #expect(values.contains(.infinity) && values.contains(-.infinity))
        #expect(values.contains { $0 == 0 && $0.sign == .minus })
        #expect(values.contains { $0.isSubnormal })
        #expect(values.contains { abs($0) > 1e300 })
        let labelValues = families.flatMap(\.samples).flatMap(\.labels).map(\.value)
        for special in ["\\", "\"", "\n", "é"] {
            #expect(labelValues.contains { $0.contains(special) }, "\(special.debugDescription)")
        }
        #expect(Set(families.map(\.type)) == Set(MetricType.allCases))
        #expect(families.flatMap(\.samples).contains { $0.exemplar?.timestamp != nil })
    }
}

/// Random metric families that one exposition can carry: unique family names, sample names
/// the family's type allows, label values full of characters that need escaping.
struct RandomFamilies {
    let format: ExpositionFormat
    var generator: SeededGenerator
    private var usedNames: Set<String> = []

    init(format: ExpositionFormat, seed: UInt64) {
        self.format = format
        generator = SeededGenerator(seed: seed)
    }

    mutating func families(count: Int) -> [MetricFamily] {
        (0..<count).map { _ in family() }
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &generator) < probability
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }

    private mutating func pick<T>(_ options: [T]) -> T { options.randomElement(using: &generator)! }

    private static let nameStart = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
    private static let nameRest = nameStart + Array("0123456789")

    private mutating func name(colons: Bool) -> String {
        let start = colons ? Self.nameStart + [":"] : Self.nameStart
        let rest = colons ? Self.nameRest + [":"] : Self.nameRest
        var name = String(pick(start))
        for _ in 0..<int(0...12) { name.append(pick(rest)) }
        return name
    }

    private static let valueScalars: [Unicode.Scalar] = [
        "a", "b", "Z", "0", "9", " ", "\t", "\\", "\"", "\n", "\r", "{", "}", ",", "=", "#", "/", ":",
        "\u{0}", "\u{7F}", "\u{80}", "é", "ß", "日", "本", "\u{301}", "\u{FEFF}", "\u{FFFD}", "🦅", "𝄞",
    ]

    private mutating func text(maxLength: Int) -> String {
        var text = ""
        for _ in 0..<int(0...maxLength) { text.unicodeScalars.append(pick(Self.valueScalars)) }
        return text
    }

    private mutating func labels(count: ClosedRange<Int>, maxValueLength: Int) -> [Label] {
        (0..<int(count)).compactMap { _ in
            let label = name(colons: false)
            // `__name__` is the metric name, not a label one can write in braces.
            return label == Labels.metricName ? nil : Label(label, text(maxLength: maxValueLength))
        }
    }

    mutating func value() -> Double {
        switch int(0...9) {
        case 0, 9:
            return pick([
                .nan, .infinity, -.infinity, -0.0, 0, 1, -1, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e15, 1e15 - 1,
                999_999_999_999_999.9, 9_007_199_254_740_994, 0.1, 1.0 / 3, 1e-7, 123_456.789e10,
            ])
        case 1:
            // Subnormal.
            let bits = generator.next() & 0x000F_FFFF_FFFF_FFFF
            return Double(bitPattern: bits | (chance(0.5) ? 1 << 63 : 0))
        case 2:
            return Double(Int64.random(in: -1_000_000...1_000_000, using: &generator))
        case 3:
            return Double(Int64.random(in: .min ... .max, using: &generator))
        case 4:
            return Double(int(-100_000...100_000)) / 100
        default:
            // Any bit pattern; the formats have one NaN, so every NaN becomes the standard one.
            let value = Double(bitPattern: generator.next())
            return value.isNaN ? .nan : value
        }
    }

    private mutating func timestamp() -> Timestamp? {
        guard chance(0.5) else { return nil }
        switch format {
        case .text:
            if chance(0.1) { return pick([Int64.min, Int64.max, 0, -1]) }
            return Int64.random(in: .min ... .max, using: &generator)
        case .openMetrics:
            // Written as seconds: a double must hold the milliseconds exactly.
            let limit: Int64 = 1 << 53
            if chance(0.1) { return pick([limit, -limit, limit - 1, 0, -1, 1, 999, -999, 1_795_920_799_039]) }
            return Int64.random(in: -limit...limit, using: &generator)
        }
    }

    private mutating func exemplar() -> Exemplar? {
        guard format == .openMetrics, chance(0.4) else { return nil }
        // OpenMetrics allows at most 128 characters of exemplar label names and values.
        var labels = labels(count: 0...3, maxValueLength: 12)
        while labels.reduce(0, { $0 + $1.name.unicodeScalars.count + $1.value.unicodeScalars.count }) > 128 {
            labels.removeLast()
        }
        return Exemplar(labels: Labels(labels), value: value(), timestamp: timestamp())
    }

    /// The sample names a family of this type may hold.
    private func sampleNames(_ family: String, _ type: MetricType) -> [String] {
        switch (format, type) {
        case (.text, .counter): [family, family + "_total"]
        case (.openMetrics, .counter): [family + "_total", family + "_created"]
        case (_, .histogram):
            [family + "_bucket", family + "_count", family + "_sum"]
                + (format == .openMetrics ? [family + "_created"] : [])
        case (_, .gaugehistogram): [family + "_bucket", family + "_gcount", family + "_gsum"]
        case (_, .summary): [family, family + "_count", family + "_sum"]
        case (_, .info): [family + "_info"]
        case (_, .gauge), (_, .stateset), (_, .unknown): [family]
        }
    }

    mutating func family() -> MetricFamily {
        let types: [MetricType] =
            format == .text ? [.counter, .gauge, .histogram, .summary, .unknown] : MetricType.allCases
        let type = pick(types)
        var unit: String?
        var base = name(colons: true)
        if format == .openMetrics, chance(0.3) {
            let word = pick(["seconds", "bytes", "ratio", "celsius", "x"])
            base += "_" + word
            unit = word
        }
        while usedNames.contains(base) { base += "_" + String(int(0...9)) }
        usedNames.insert(base)

        var help: String?
        if chance(0.7) {
            // Text format drops blanks before the HELP text, so start with a letter.
            help = pick(["H", "é", "x"]) + text(maxLength: 20)
        }
        let names = sampleNames(base, type)
        var samples: [FamilySample] = []
        for _ in 0..<int(0...6) {
            var labels = labels(count: 0...4, maxValueLength: 10)
            if type == .stateset {
                // A stateset's state label is named after the family.
                labels.append(Label(MetricNames.isValidLabelName(base) ? base : "state", name(colons: false)))
            }
            labels.append(Label(Labels.metricName, pick(names)))
            samples.append(
                FamilySample(labels: Labels(labels), value: value(), timestamp: timestamp(), exemplar: exemplar()))
        }
        return MetricFamily(name: base, type: type, help: help, unit: unit, samples: samples)
    }
}
