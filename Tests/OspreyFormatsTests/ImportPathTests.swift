import OspreyFormats
import OspreyModel
import Testing

/// The importer's path through a body (`nextSample(numbering:)` and `SeriesKeyTable`) sees what
/// the full parser sees, on real `/metrics` outputs, and rejects what it rejects.
@Suite struct ImportPathTests {
    @Test(arguments: Fixture.allCases)
    func nextSampleGivesEverySampleOfNext(_ fixture: Fixture) throws {
        let bytes = try fixture.bytes()
        let expected = try entries(bytes, fixture.format).compactMap(\.sample)
        var parser = ExpositionParser(bytes: bytes, format: fixture.format)
        var table = SeriesKeyTable()
        var seen: [RawSample] = []
        while let numbered = try parser.nextSample(numbering: &table) { seen.append(numbered.sample) }

        #expect(seen.count == expected.count)
        for (raw, full) in zip(seen, expected) {
            #expect(Array(bytes[raw.series]) == Array(full.series))
            #expect(raw.value.bitPattern == full.value.bitPattern)
            #expect(raw.timestamp == full.timestamp)
        }
    }

    @Test func nextSampleStillChecksMetadataLines() {
        var parser = ExpositionParser(text: "a 1\n# TYPE a nonsense\na 2\n", format: .text)
        var table = SeriesKeyTable()
        #expect(throws: ExpositionError(line: 2, reason: "unknown metric type \"nonsense\" for a")) {
            while try parser.nextSample(numbering: &table) != nil {}
        }
    }

    /// A series seen before skips the label scan; a line that only resembles one must still
    /// fail, with the error the full parser gives.
    @Test(arguments: [
        "a{x=\"1\",x=\"2\"} 3", "a{x=\"1\"} nope", "a{x=\"1\"}} 3", "a{x=\"1\",y=1} 3", "a{x=\"1\" 3", "a-b 3",
        "a{x=\"1\"} 3 4 5", "a{x=\"1\"}", "a",
    ])
    func knownSeriesDoNotLetMalformedLinesThrough(line: String) throws {
        let text = "a{x=\"1\"} 1\na 2\n" + line + "\n"
        var full = ExpositionParser(text: text, format: .text)
        let expected = try #require(throws: ExpositionError.self) { while try full.next() != nil {} }
        #expect(expected.line == 3)
        var parser = ExpositionParser(text: text, format: .text)
        var table = SeriesKeyTable()
        #expect(throws: expected) {
            while try parser.nextSample(numbering: &table) != nil {}
        }
    }

    @Test func knownSeriesKeepTheirNumbersWhateverTheSpacing() throws {
        var parser = ExpositionParser(
            text: "a{x=\"}\\\"\"} 1\na {x=\"}\\\"\"} 2\na{x=\"}\\\"\"} 3 1000\na{x=\"}\\\"\"}4\na 5\na  6\n", format: .text)
        var table = SeriesKeyTable()
        var numbers: [Int32] = []
        var values: [Double] = []
        while let numbered = try parser.nextSample(numbering: &table) {
            numbers.append(numbered.series)
            values.append(numbered.sample.value)
        }
        // `a {…}` keeps its blank, as Prometheus's text parser reads it; `a` and `a ` are one series.
        #expect(numbers == [0, 1, 0, 0, 2, 2])
        #expect(values == [1, 2, 3, 4, 5, 6])
    }

    @Test(arguments: Fixture.allCases)
    func seriesKeyTableNumbersEachDistinctSeriesOnce(_ fixture: Fixture) throws {
        let bytes = try fixture.bytes()
        var table = SeriesKeyTable()
        var numbers: [Int32] = []
        var firstSeen: [[UInt8]] = []
        // Every line twice: the second pass must find what the first added, past the table's growth.
        for _ in 0..<2 {
            var parser = ExpositionParser(bytes: bytes, format: fixture.format)
            while let numbered = try parser.nextSample(numbering: &table) {
                if numbered.isNew { firstSeen.append(Array(bytes[numbered.sample.series])) }
                numbers.append(numbered.series)
            }
        }
        let distinct = Set(try entries(bytes, fixture.format).compactMap(\.sample).map { Array($0.series) })
        #expect(table.count == distinct.count)
        #expect(firstSeen.count == distinct.count)
        #expect(Array(numbers[..<(numbers.count / 2)]) == Array(numbers[(numbers.count / 2)...]))
        for (number, key) in firstSeen.enumerated() {
            #expect(Array(table.key(number)) == key)
        }
    }

    @Test func seriesKeyTableTellsApartKeysOfEqualLength() {
        var table = SeriesKeyTable()
        let keys = (0..<1000).map { Array("m{i=\"\(String($0 + 1000))\"}".utf8) }
        for (index, key) in keys.enumerated() {
            let (number, isNew) = key.withUnsafeBufferPointer { table.number(of: $0) }
            #expect(isNew && number == Int32(index))
        }
        for (index, key) in keys.enumerated().reversed() {
            let (number, isNew) = key.withUnsafeBufferPointer { table.number(of: $0) }
            #expect(!isNew && number == Int32(index))
        }
        #expect(table.count == 1000)
    }
}
