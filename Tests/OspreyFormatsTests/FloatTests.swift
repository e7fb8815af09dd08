import OspreyFormats
import Testing

/// Sample values read as the same double Swift's own correctly rounded parser gives.
@Suite struct FloatTests {
    private static func digits(_ count: Int, _ generator: inout SeededGenerator) -> String {
        String((0..<count).map { _ in "0123456789".randomElement(using: &generator)! })
    }

    /// Random decimal spellings: long mantissas, many leading or trailing zeros, exponents near
    /// the ends of the double range, halfway cases.
    private static func randomDecimals(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        var result: [String] = []
        for _ in 0..<count {
            var text = ["", "-", "+"].randomElement(using: &generator)!
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                // Short: the common case.
                text += digits(Int.random(in: 1...6, using: &generator), &generator)
                if Bool.random(using: &generator) {
                    text += "." + digits(Int.random(in: 1...6, using: &generator), &generator)
                }
            case 1:
                // 17 to 40 significant digits.
                let total = Int.random(in: 17...40, using: &generator)
                let point = Int.random(in: 0...total, using: &generator)
                let all = String("123456789".randomElement(using: &generator)!) + digits(total - 1, &generator)
                text += point == 0 ? "0." + all : String(all.prefix(point)) + "." + String(all.dropFirst(point))
            case 2:
                // Many leading zeros after the point, trailing zeros at the end.
                text +=
                    "0." + String(repeating: "0", count: Int.random(in: 0...30, using: &generator))
                    + digits(Int.random(in: 1...20, using: &generator), &generator)
                text += String(repeating: "0", count: Int.random(in: 0...5, using: &generator))
            default:
                // Exactly halfway between two adjacent doubles above 2^53 (there they are whole
                // numbers 2^shift apart), or just below or above it.
                let shift = UInt64.random(in: 1...10, using: &generator)
                let mantissa = UInt64.random(in: (1 << 52)..<(1 << 53), using: &generator)
                let halfway = mantissa << shift + 1 << (shift - 1)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: text += String(halfway)
                case 1: text += String(halfway - 1) + ".9999999999999999999999"
                default:
                    let zeros = String(repeating: "0", count: Int.random(in: 0...20, using: &generator))
                    text += String(halfway) + "." + zeros + "1"
                }
            }
            if Int.random(in: 0..<3, using: &generator) == 0 {
                let exponent = Int.random(in: -340...320, using: &generator)
                let sign = exponent >= 0 && Bool.random(using: &generator) ? "+" : ""
                text += ["e", "E"].randomElement(using: &generator)! + sign + String(exponent)
            }
            result.append(text)
        }
        return result
    }

    @Test func matchesSwiftDoubleParsing() throws {
        let decimals = Self.randomDecimals(count: 4000, seed: 42)
        // Swift reads a decimal beyond the double range as an infinity; Prometheus rejects it.
        let finite = decimals.filter { Double($0)?.isFinite == true }
        let overflowing = decimals.filter { Double($0)?.isInfinite == true }
        #expect(finite.count + overflowing.count == decimals.count, "Swift rejected one of the decimals")
        #expect(finite.count > 3500)
        #expect(finite.contains { $0.filter(\.isNumber).count > 19 })
        #expect(finite.contains { Double($0)!.isSubnormal })

        // One exposition with one sample per decimal.
        let text = finite.enumerated().map { "v{i=\"\($0.offset)\"} \($0.element)" }.joined(separator: "\n")
        let parsed = try samples(text, .text)
        #expect(parsed.count == finite.count)
        for (decimal, sample) in zip(finite, parsed) {
            let expected = try #require(Double(decimal))
            #expect(
                sample.value.bitPattern == expected.bitPattern,
                "\(decimal): parsed \(sample.value), Swift gives \(expected)")
        }
        for decimal in overflowing {
            expectError("v \(decimal)\n", .text, line: 1, "invalid value")
        }
    }

    @Test func knownHardCases() throws {
        let cases = [
            // Halfway between two doubles: rounds to even.
            "9007199254740993", "9007199254740995", "2.2250738585072011e-308", "2.2250738585072012e-308",
            "1.7976931348623158e308", "4.9406564584124654e-324", "2.4703282292062328e-324",
            "0.1", "0.3", "1e23", "8.98846567431158e307", "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124", "123456789012345678901234567890e-30",
            "7.038531e-26", "1e22", "1e-22", "9007199254740992e22", "9007199254740993e-22",
            "0.000000000000000000000000000000000000000000001", "100000000000000000000000000000000000000000000000",
        ]
        let parsed = try samples(cases.map { "v \($0)" }.joined(separator: "\n"), .text)
        for (text, sample) in zip(cases, parsed) {
            let expected = try #require(Double(text))
            #expect(sample.value.bitPattern == expected.bitPattern, "\(text): \(sample.value) vs \(expected)")
        }
    }

    /// Go's `strconv.ParseFloat` reports out-of-range values as errors, so Prometheus rejects the
    /// line rather than storing an infinity nobody wrote.
    @Test func overflowIsAnError() {
        for text in [
            "1e309", "-1e309", "1.8e308", "1.7976931348623159e308", "1" + String(repeating: "0", count: 309),
        ] {
            expectError("v 1\nv \(text)\n", .text, line: 2, "invalid value")
        }
    }

    /// What the writer prints for a value reads back as the same bits.
    @Test func writerSpellingsReadBack() throws {
        var generator = SeededGenerator(seed: 7)
        var values: [Double] = [
            .nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e15, 1e15 - 1,
            -1e15 + 1,
        ]
        for _ in 0..<3000 {
            let value = Double(bitPattern: generator.next())
            values.append(value.isNaN ? .nan : value)
        }
        let text = values.map { "v " + ExpositionWriter.formatValue($0) }.joined(separator: "\n")
        let parsed = try samples(text, .text)
        for (value, sample) in zip(values, parsed) {
            let written = ExpositionWriter.formatValue(value)
            #expect(sample.value.bitPattern == value.bitPattern, "\(value) written as \(written)")
        }
        #expect(ExpositionWriter.formatValue(.nan) == "NaN")
        #expect(ExpositionWriter.formatValue(.infinity) == "+Inf")
        #expect(ExpositionWriter.formatValue(-.infinity) == "-Inf")
        #expect(ExpositionWriter.formatValue(42) == "42")
        #expect(ExpositionWriter.formatValue(0.5) == "0.5")
    }
}
