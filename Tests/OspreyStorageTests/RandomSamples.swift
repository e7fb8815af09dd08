import OspreyModel
import Testing

/// Random sample sequences for the codec's property tests, biased towards what breaks codecs:
/// special doubles, repeats, and timestamps at the edges of Int64.
struct RandomSamples {
    var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// Prometheus's staleness marker: a NaN with a payload that arithmetic would lose.
    static let stalenessMarker = Double(bitPattern: 0x7FF0_0000_0000_0002)

    /// Doubles that survive a careless codec badly.
    static let specialValues: [Double] = [
        stalenessMarker,
        .nan, -.nan, .signalingNaN, Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFFF_FFFF_FFFF_FFFF),
        .infinity, -.infinity, 0.0, -0.0,
        .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, Double(bitPattern: 0x000F_FFFF_FFFF_FFFF),
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, 0.1, 1e300,
    ]

    enum ValueStyle: CaseIterable {
        case randomBits, special, constant, alternating, counter, gauge, mixed
    }

    enum TimeStyle: CaseIterable {
        case regular, jitter, hugeJumps, negative, extremes, equal, decreasing, randomBits, mixed
    }

    /// A chunk size: mostly the small edge cases and ordinary chunks, sometimes thousands.
    mutating func chunkSize() -> Int {
        switch Int.random(in: 0..<100, using: &generator) {
        case 0..<25: Int.random(in: 0...3, using: &generator)
        case 25..<82: Int.random(in: 4...200, using: &generator)
        case 82..<97: Int.random(in: 200...1000, using: &generator)
        default: Int.random(in: 1000...5000, using: &generator)
        }
    }

    mutating func samples(count: Int) -> [Sample] {
        let valueStyle = ValueStyle.allCases.randomElement(using: &generator)!
        let timeStyle = TimeStyle.allCases.randomElement(using: &generator)!
        var samples: [Sample] = []
        samples.reserveCapacity(count)
        var timestamp = firstTimestamp(timeStyle)
        var value = firstValue()
        let alternatives = (firstValue(), firstValue())
        for index in 0..<count {
            if index > 0 {
                timestamp = nextTimestamp(after: timestamp, timeStyle)
                value = nextValue(after: value, index: index, alternatives: alternatives, valueStyle)
            }
            samples.append(Sample(timestamp: timestamp, value: value))
        }
        return samples
    }

    private mutating func firstTimestamp(_ style: TimeStyle) -> Int64 {
        switch style {
        case .negative: -Int64.random(in: 0...1 << 50, using: &generator)
        case .extremes: [Int64.min, Int64.max, 0, -1].randomElement(using: &generator)!
        case .randomBits: Int64(bitPattern: generator.next())
        default: 1_700_000_000_000 + Int64.random(in: 0...1 << 32, using: &generator)
        }
    }

    private mutating func nextTimestamp(after previous: Int64, _ style: TimeStyle) -> Int64 {
        switch style {
        case .regular: previous &+ 15_000
        case .jitter:
            previous &+ 15_000
                &+ (Bool.random(using: &generator)
                    ? Int64.random(in: -50...50, using: &generator)
                    : Int64.random(in: -20_000...20_000, using: &generator))
        case .hugeJumps:
            Int.random(in: 0..<10, using: &generator) == 0
                ? previous &+ Int64(bitPattern: generator.next())
                : previous &+ 15_000
        case .negative: previous &- Int64.random(in: -1 << 40...1 << 40, using: &generator)
        case .extremes:
            [Int64.min, Int64.max, Int64.min + 1, Int64.max - 1, 0, -1, 1].randomElement(using: &generator)!
        case .equal: previous
        case .decreasing: previous &- Int64.random(in: 1...100_000, using: &generator)
        case .randomBits: Int64(bitPattern: generator.next())
        case .mixed:
            nextTimestamp(
                after: previous, TimeStyle.allCases.filter { $0 != .mixed }.randomElement(using: &generator)!)
        }
    }

    private mutating func firstValue() -> Double {
        Bool.random(using: &generator)
            ? Self.specialValues.randomElement(using: &generator)!
            : Double(bitPattern: generator.next())
    }

    private mutating func nextValue(
        after previous: Double, index: Int, alternatives: (Double, Double), _ style: ValueStyle
    ) -> Double {
        switch style {
        case .randomBits: Double(bitPattern: generator.next())
        case .special: Self.specialValues.randomElement(using: &generator)!
        case .constant: previous
        case .alternating: index.isMultiple(of: 2) ? alternatives.0 : alternatives.1
        case .counter:
            Int.random(in: 0..<50, using: &generator) == 0
                ? 0
                : (previous.isFinite ? previous : 0) + Double(Int.random(in: 0...20, using: &generator))
        case .gauge: Double.random(in: -1000...1000, using: &generator).rounded(toPlaces: Int.random(in: 0...6, using: &generator))
        case .mixed:
            nextValue(
                after: previous, index: index, alternatives: alternatives,
                ValueStyle.allCases.filter { $0 != .mixed }.randomElement(using: &generator)!)
        }
    }
}

extension Double {
    /// Rounded to `places` decimals, as a gauge printed by an exporter tends to be.
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}

/// Records the first difference between two sample lists, comparing values bit for bit.
func expectSameSamples(
    _ decoded: [Sample], _ original: [Sample], _ context: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard decoded.count == original.count else {
        Issue.record("\(context()) decoded \(decoded.count) samples, appended \(original.count)", sourceLocation: sourceLocation)
        return
    }
    for (index, (got, want)) in zip(decoded, original).enumerated()
    where got.timestamp != want.timestamp || got.value.bitPattern != want.value.bitPattern {
        Issue.record(
            """
            \(context()) sample \(index): decoded (\(got.timestamp), 0x\(String(got.value.bitPattern, radix: 16))), \
            appended (\(want.timestamp), 0x\(String(want.value.bitPattern, radix: 16)))
            """, sourceLocation: sourceLocation)
        return
    }
}
