import Foundation
import OspreyModel
import OspreyStorage
import OspreyTSDB
import Testing

/// The appender's refusals (series limit, invalid labels) and rollback.
@Suite struct AppenderTests {
    @Test func seriesLimit() throws {
        try withDataFolder { path in
            let options = StorageOptions(maxSeries: 3)
            let t = recentTime()
            let existing = (1...3).map { labelSet("limited", ["n": "\($0)"]) }
            let fourth = labelSet("limited", ["n": "4"])
            var expected: [Labels: [Sample]] = [:]
            do {
                let storage = try MetricsStorage(path: path, options: options)
                var appender = storage.appender()
                var refs: [SeriesRef] = []
                for labels in existing {
                    refs.append(try appender.append(labels, timestamp: t, value: 1))
                    expected[labels] = [Sample(timestamp: t, value: 1)]
                }
                #expect(throws: StorageError.seriesLimit(labels: fourth, limit: 3)) {
                    try appender.append(fourth, timestamp: t, value: 1)
                }
                let error = StorageError.seriesLimit(labels: fourth, limit: 3)
                #expect(error.description.contains("3") && error.description.contains("limited{n=\"4\"}"), "\(error)")
                #expect(storage.statistics().counters.rejectedSeriesLimit == 1)
                // The same appender keeps taking existing series, by labels and by reference.
                try appender.append(existing[0], timestamp: t + 1000, value: 2)
                try appender.append(refs[1], timestamp: t + 1000, value: 2)
                expected[existing[0]]!.append(Sample(timestamp: t + 1000, value: 2))
                expected[existing[1]]!.append(Sample(timestamp: t + 1000, value: 2))
                try appender.commit()
                #expect(try storage.samples([.equal("__name__", "limited")]) == expected)

                // A later appender: existing series fine, new ones still refused.
                var later = storage.appender()
                try later.append(existing[2], timestamp: t + 2000, value: 3)
                #expect(throws: StorageError.seriesLimit(labels: labelSet("other"), limit: 3)) {
                    try later.append(labelSet("other"), timestamp: t, value: 1)
                }
                try later.append(refs[0], timestamp: t + 2000, value: 3)
                try later.commit()
                expected[existing[2]]!.append(Sample(timestamp: t + 2000, value: 3))
                expected[existing[0]]!.append(Sample(timestamp: t + 2000, value: 3))
                #expect(storage.statistics().counters.rejectedSeriesLimit == 2)
                #expect(storage.statistics().series == 3)
                #expect(try storage.samples([try LabelMatcher(.regex, "__name__", ".+")]) == expected)
                try storage.close()
            }
            // The limit holds across a restart: the catalog counts.
            let storage = try MetricsStorage(path: path, options: options)
            #expect(storage.statistics().series == 3)
            var appender = storage.appender()
            #expect(throws: StorageError.seriesLimit(labels: fourth, limit: 3)) {
                try appender.append(fourth, timestamp: t, value: 1)
            }
            try appender.append(existing[1], timestamp: t + 3000, value: 4)
            try appender.commit()
            expected[existing[1]]!.append(Sample(timestamp: t + 3000, value: 4))
            #expect(try storage.samples([try LabelMatcher(.regex, "__name__", ".+")]) == expected)
            try storage.close()
        }
    }

    @Test func invalidLabels() throws {
        try withDataFolder { path in
            let storage = try MetricsStorage(path: path)
            var appender = storage.appender()
            let t = recentTime()
            let invalid: [Labels] = [
                Labels(["job": "x"]),  // no metric name
                Labels(["__name__": "", "job": "x"]),  // an empty name is no name
                Labels(),
                labelSet("up", ["1bad": "x"]),
                labelSet("up", ["bad-name": "x"]),
                labelSet("up", ["ok": "1", "ünïcode": "x"]),
                labelSet("1bad_metric"),
                labelSet("bad-metric", ["job": "x"]),
            ]
            for labels in invalid {
                do throws(StorageError) {
                    try appender.append(labels, timestamp: t, value: 1)
                    Issue.record("\(labels) accepted")
                } catch {
                    guard case .invalidLabels(let refused, let reason) = error else {
                        Issue.record("\(labels): \(error)")
                        continue
                    }
                    #expect(refused == labels)
                    #expect(!reason.isEmpty)
                }
            }
            try appender.append(labelSet("up", ["_fine": "x", "a1": "y"]), timestamp: t, value: 1)
            // Recording rules' names have colons.
            try appender.append(labelSet("job:up:sum"), timestamp: t, value: 1)
            try appender.commit()
            #expect(storage.statistics().counters.rejectedInvalid == Int64(invalid.count))
            #expect(storage.statistics().series == 2)
            #expect(try storage.samples([try LabelMatcher(.regex, "__name__", ".+")]).count == 2)
            #expect(try storage.querier(minTime: 0, maxTime: .max).labelNames(matching: []) == ["__name__", "_fine", "a1"])
            try storage.close()
        }
    }

    @Test func rollback() throws {
        try withDataFolder { path in
            let t = recentTime()
            let kept = labelSet("rolled", ["series": "kept"])
            let neverCommitted = labelSet("rolled", ["series": "never"])
            do {
                let storage = try MetricsStorage(path: path)
                var appender = storage.appender()
                let ref = try appender.append(kept, timestamp: t, value: 1)
                try appender.append(ref, timestamp: t + 1000, value: 2)
                try appender.append(neverCommitted, timestamp: t, value: 3)
                appender.rollback()
                try appender.commit()  // nothing left to commit
                #expect(try storage.samples([.equal("__name__", "rolled")]).isEmpty)
                #expect(storage.statistics().counters.samplesAppended == 0)

                // After a rollback the appender (and the reference) carries on with new samples only.
                try appender.append(ref, timestamp: t + 2000, value: 4)
                try appender.append(kept, timestamp: t + 3000, value: 5)
                try appender.commit()
                let afterCommit = [Sample(timestamp: t + 2000, value: 4), Sample(timestamp: t + 3000, value: 5)]
                #expect(try storage.samples([.equal("__name__", "rolled")]) == [kept: afterCommit])

                // A rollback after a commit leaves the committed samples alone.
                try appender.append(ref, timestamp: t + 4000, value: 6)
                appender.rollback()
                #expect(try storage.samples(of: kept) == afterCommit)
                // A second appender's rollback does not touch the first one's batch.
                var other = storage.appender()
                try other.append(kept, timestamp: t + 5000, value: 7)
                try appender.append(ref, timestamp: t + 6000, value: 8)
                other.rollback()
                try appender.commit()
                #expect(try storage.samples(of: kept) == afterCommit + [Sample(timestamp: t + 6000, value: 8)])
                // Dropped without close: the WAL must not hold the rolled-back samples either.
            }
            let storage = try MetricsStorage(path: path)
            #expect(
                try storage.samples([.equal("__name__", "rolled")]) == [
                    kept: [
                        Sample(timestamp: t + 2000, value: 4), Sample(timestamp: t + 3000, value: 5),
                        Sample(timestamp: t + 6000, value: 8),
                    ]
                ])
            try storage.close()
        }
    }
}
