import Foundation
import OspreyModel
import OspreyStorage
import OspreyTSDB
import Testing

/// Samples come back bit for bit from the head, from the shards, after a restart and after cold
/// recompression, over any time range.
@Suite struct StorageRoundTripTests {
    static let stalenessMarker = Double(bitPattern: 0x7ff0_0000_0000_0002)

    /// Values that an encoder could get wrong: NaNs with different payloads, infinities, signed zero.
    static let specialValues: [Double] = [
        .nan, stalenessMarker, .infinity, -.infinity, -0.0, 0.0, 1.5, -1.5, .greatestFiniteMagnitude,
        .leastNonzeroMagnitude, -.leastNormalMagnitude, Double(bitPattern: 0x7ff8_0000_0000_0001),
        Double(bitPattern: 0xfff8_0000_0000_0000), 42, 42, 42, 1e300, -1e-300,
    ]

    /// Three series over ~6 minutes with 1 s steps: with one-minute shard windows and 50-sample
    /// chunks the data spans several windows and several chunks per window.
    static func data(start: Timestamp) -> [Labels: [Sample]] {
        var data: [Labels: [Sample]] = [:]
        let special = labelSet("special_values", ["kind": "mixed"])
        data[special] = (0..<360).map { Sample(timestamp: start + Int64($0) * 1000, value: specialValues[$0 % specialValues.count]) }
        let counter = labelSet("requests_total", ["code": "200"])
        data[counter] = (0..<360).map { Sample(timestamp: start + Int64($0) * 1000 + Int64($0 % 3), value: Double($0 * 7)) }
        let sparse = labelSet("sparse", ["kind": "gauge"])
        data[sparse] = [Sample(timestamp: start + 5, value: stalenessMarker), Sample(timestamp: start + 300_000, value: -0.0)]
        return data
    }

    static let options = StorageOptions(shardWindow: .seconds(60), samplesPerChunk: 50)

    private func check(_ storage: MetricsStorage, _ expected: [Labels: [Sample]], _ stage: String) throws {
        let got = try storage.samples([try LabelMatcher(.regex, "__name__", ".+")])
        #expect(Set(got.keys) == Set(expected.keys), "\(stage)")
        for (labels, samples) in expected {
            let returned = got[labels] ?? []
            #expect(returned == samples, "\(stage) \(labels): got \(returned.count) samples, \(bits(Array(returned.prefix(20))))")
        }
        // Sub-ranges, bounds inclusive, including ones that start or end inside a window.
        let all = expected.values.flatMap { $0 }.map(\.timestamp)
        let first = all.min()!
        let last = all.max()!
        let ranges: [(Timestamp, Timestamp)] = [
            (first, first), (last, last), (first + 1000, first + 1000), (first + 59_999, first + 61_000),
            (first + 100_000, first + 250_000), (first + 1, last - 1), (.min, .max), (last + 1, .max), (0, first - 1),
        ]
        for (minTime, maxTime) in ranges {
            let ranged = try storage.samples([try LabelMatcher(.regex, "__name__", ".+")], from: minTime, to: maxTime)
            for (labels, samples) in expected {
                let inRange = samples.filter { $0.timestamp >= minTime && $0.timestamp <= maxTime }
                let got = ranged[labels] ?? []
                #expect(got == inRange, "\(stage) \(labels) over \(minTime)...\(maxTime): \(got.count) samples, \(inRange.count) expected")
            }
        }
    }

    @Test func headShardsRestartAndCompaction() throws {
        try withDataFolder { path in
            let start = recentTime(secondsAgo: 3600)
            let expected = Self.data(start: start)
            do {
                let storage = try MetricsStorage(path: path, options: Self.options)
                var appender = storage.appender()
                var refs: [Labels: SeriesRef] = [:]
                // Interleaved across series, in two batches, the second by reference.
                for index in 0..<360 {
                    for (labels, samples) in expected where index < samples.count {
                        let sample = samples[index]
                        if let ref = refs[labels] {
                            try appender.append(ref, timestamp: sample.timestamp, value: sample.value)
                        } else {
                            refs[labels] = try appender.append(labels, timestamp: sample.timestamp, value: sample.value)
                        }
                    }
                    if index == 180 { try appender.commit() }
                }
                try appender.commit()
                try check(storage, expected, "head")
                try storage.checkpoint()
                #expect(storage.statistics().headSamples == 0)
                #expect(storage.statistics().shardBytes.count >= 6, "one shard per one-minute window")
                try check(storage, expected, "shards")
                try storage.close()
            }
            do {
                let storage = try MetricsStorage(path: path, options: Self.options)
                try check(storage, expected, "reopened")
                try storage.recompress(before: .max)
                try check(storage, expected, "compacted")
                try storage.close()
            }
            let storage = try MetricsStorage(path: path, options: Self.options)
            try check(storage, expected, "compacted and reopened")
            try storage.close()
        }
    }

    /// Samples in an open head chunk and in shards of the same series merge without duplicates.
    @Test func headAndShardsTogether() throws {
        try withDataFolder { path in
            let start = recentTime(secondsAgo: 3600)
            let labels = labelSet("split", ["part": "both"])
            let first = (0..<100).map { Sample(timestamp: start + Int64($0) * 1000, value: Double($0)) }
            let second = (100..<170).map { Sample(timestamp: start + Int64($0) * 1000, value: $0 % 2 == 0 ? .nan : Double($0)) }
            let storage = try MetricsStorage(path: path, options: Self.options)
            try storage.write(labels, first)
            try storage.checkpoint()
            try storage.write(labels, second)
            #expect(try storage.samples(of: labels) == first + second)
            try storage.close()
            let reopened = try MetricsStorage(path: path, options: Self.options)
            #expect(try reopened.samples(of: labels) == first + second)
            try reopened.close()
        }
    }

    @Test func closedStorageRefusesWork() throws {
        try withDataFolder { path in
            let storage = try MetricsStorage(path: path)
            try storage.close()
            var appender = storage.appender()
            #expect(throws: StorageError.closed) {
                try appender.append(labelSet("late"), timestamp: recentTime(), value: 1)
            }
        }
    }
}
