import OspreyFormats
import OspreyModel
import Testing

/// The importer's path through a body (`nextSample` and `SeriesKeyTable`) sees what the full
/// parser sees, on real `/metrics` outputs.
@Suite struct ImportPathTests {
    @Test(arguments: Fixture.allCases)
    func nextSampleGivesEverySampleOfNext(_ fixture: Fixture) throws {
        let bytes = try fixture.bytes()
        let expected = try entries(bytes, fixture.format).compactMap(\.sample)
        var parser = ExpositionParser(bytes: bytes, format: fixture.format)
        var seen: [RawSample] = []
        while let sample = try parser.nextSample() { seen.append(sample) }

        #expect(seen.count == expected.count)
        for (raw, full) in zip(seen, expected) {
            #expect(Array(bytes[raw.series]) == Array(full.series))
            #expect(raw.value.bitPattern == full.value.bitPattern)
            #expect(raw.timestamp == full.timestamp)
        }
    }

    @Test func nextSampleStillChecksMetadataLines() {
        var parser = ExpositionParser(text: "a 1\n# TYPE a nonsense\na 2\n", format: .text)
        #expect(throws: ExpositionError(line: 2, reason: "unknown metric type \"nonsense\" for a")) {
            while try parser.nextSample() != nil {}
        }
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
            while let sample = try parser.nextSample() {
                let (number, isNew) = bytes.withUnsafeBufferPointer { table.number(of: .init(rebasing: $0[sample.series])) }
                if isNew { firstSeen.append(Array(bytes[sample.series])) }
                numbers.append(number)
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
