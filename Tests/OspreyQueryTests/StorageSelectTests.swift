import Foundation
import OspreyModel
import OspreyTSDB
import OspreyTestSupport
import Testing

@testable import OspreyQuery

/// Queries over the real storage: label values that Swift calls equal but whose bytes differ stay
/// apart in selection, grouping and matching, before and after a restart; and a query's timeout
/// and cancellation reach the storage while it tests label values against a regex.
@Suite struct StorageSelectTests {
    static let composed = "\u{E9}"
    static let decomposed = "e\u{301}"

    private static func withStorage(_ body: (String) throws -> Void) throws {
        let folder = try TemporaryFolder()
        try withExtendedLifetime(folder) { try body(folder.path) }
    }

    private static func instant(_ query: String, at time: Timestamp, _ storage: MetricsStorage) throws -> [VectorElement] {
        guard case .vector(let elements) = try QueryEngine().instantQuery(try PromQL.parse(query), at: time, from: storage) else {
            throw QueryError.execution("\(query) is not a vector")
        }
        return elements
    }

    @Test func canonicallyEquivalentValuesStayTwoSeriesThroughQueriesAndARestart() throws {
        try Self.withStorage { path in
            let now = SystemClock().now() / 1000 * 1000
            func check(_ storage: MetricsStorage, _ stage: String) throws {
                let raw = try Self.instant("accent", at: now, storage)
                #expect(Set(raw.map { ExactString($0.labels["v"] ?? "") }) == [ExactString(Self.composed), ExactString(Self.decomposed)], "\(stage)")
                let groups = try Self.instant("count by (v) (accent)", at: now, storage)
                #expect(groups.count == 2 && groups.allSatisfy { $0.value == 1 }, "\(stage): \(groups)")
                let overTime = try Self.instant("count_over_time(accent[10m])", at: now, storage)
                #expect(overTime.count == 2 && overTime.allSatisfy { $0.value == 2 }, "\(stage): \(overTime)")
                #expect(try Self.instant("sum without (v) (accent)", at: now, storage).map(\.value) == [3], "\(stage)")
                let matched = try Self.instant("accent - on (v) accent", at: now, storage)
                #expect(matched.count == 2 && matched.allSatisfy { $0.value == 0 }, "\(stage): \(matched)")
                let selected = try Self.instant("accent{v=\"\(Self.decomposed)\"}", at: now, storage)
                #expect(selected.map(\.value) == [2], "\(stage)")
            }
            do {
                let storage = try MetricsStorage(path: path)
                for (value, number) in [(Self.composed, 1.0), (Self.decomposed, 2.0)] {
                    try storage.write(["__name__": "accent", "v": value], [(now - 60_000, number), (now, number)])
                }
                try check(storage, "before the restart")
                try storage.close()
            }
            let storage = try MetricsStorage(path: path)
            defer { try? storage.close() }
            try check(storage, "after the restart")
        }
    }

    @Test func timeoutAndCancellationStopASelectBetweenLabelValues() async throws {
        try Self.withStorage { path in
            let storage = try MetricsStorage(path: path)
            defer { try? storage.close() }
            let now = SystemClock().now() / 1000 * 1000
            var appender = storage.appender()
            for length in 1...100 {
                try appender.append(
                    Labels(["__name__": "longlabel", "v": String(repeating: "a", count: length) + "b"]), timestamp: now, value: 1)
            }
            try appender.commit()
            let expr = try PromQL.parse("longlabel{v=~\"(a+)+b\"}")
            // The engine checks its deadline only every 256 steps (more than this query takes); the
            // select asks at every value.
            var expired = QueryOptions()
            expired.timeout = .zero
            #expect(throws: QueryError.timeout(limit: .zero)) {
                try QueryEngine(options: expired).instantQuery(expr, at: now, from: storage)
            }
            let cancellation = QueryCancellation()
            cancellation.cancel()
            #expect(throws: QueryError.canceled) {
                try QueryEngine().instantQuery(expr, at: now, from: storage, cancellation: cancellation)
            }
            guard case .vector(let all) = try QueryEngine().instantQuery(expr, at: now, from: storage) else {
                Issue.record("not a vector")
                return
            }
            #expect(all.count == 100)
        }
    }
}

extension MetricsStorage {
    fileprivate func write(_ labels: [String: String], _ samples: [(Timestamp, Double)]) throws {
        var appender = appender()
        for (time, value) in samples { try appender.append(Labels(labels), timestamp: time, value: value) }
        try appender.commit()
    }
}
