import Foundation
import GRDB
import OspreyModel
import OspreySQLite
import OspreyTSDB
import Testing

/// Label names and values are bytes: the catalog gives them back byte for byte after a restart
/// (a NUL included), tells apart strings Swift calls equal (`é` as one code point and as `e` with
/// a combining accent), and never hands out a symbol id twice, also in a catalog written before.
@Suite struct CatalogBytesTests {
    static let composed = "\u{E9}"
    static let decomposed = "e\u{301}"

    /// The labels of every series of metric `name`, by their bytes.
    private static func stored(_ storage: MetricsStorage, _ name: String) throws -> Set<Labels> {
        Set(try storage.samples([.equal("__name__", name)]).keys)
    }

    @Test func aValueWithANulComesBackWholeAndNewSeriesStillGoIn() throws {
        try withDataFolder { path in
            let nul = labelSet("nul_test", ["l": "x\u{0}y"])
            let plain = labelSet("nul_test", ["l": "x"])
            let time = recentTime()
            do {
                let storage = try MetricsStorage(path: path)
                try storage.write(nul, [Sample(timestamp: time, value: 1)])
                try storage.write(plain, [Sample(timestamp: time, value: 2)])
                try storage.close()
            }
            do {
                let storage = try MetricsStorage(path: path)
                #expect(try Self.stored(storage, "nul_test") == [nul, plain])
                #expect(try storage.samples(of: nul).map(\.value) == [1])
                #expect(try storage.querier(minTime: 0, maxTime: .max).labelValues("l", matching: []) == ["x", "x\u{0}y"])
                // Series created after the restart get symbols of their own.
                for number in 0..<3 {
                    try storage.write(labelSet("after_restart", ["n": "\(number)"]), [Sample(timestamp: time, value: 3)])
                }
                try storage.close()
            }
            let storage = try MetricsStorage(path: path)
            defer { try? storage.close() }
            #expect(try Self.stored(storage, "nul_test") == [nul, plain])
            #expect(try Self.stored(storage, "after_restart").count == 3)
        }
    }

    @Test func canonicallyEquivalentValuesAreTwoSeriesBeforeAndAfterARestart() throws {
        try withDataFolder { path in
            let composed = labelSet("accent", ["v": Self.composed])
            let decomposed = labelSet("accent", ["v": Self.decomposed])
            let time = recentTime()
            func check(_ storage: MetricsStorage, _ stage: String) throws {
                #expect(try Self.stored(storage, "accent") == [composed, decomposed], "\(stage)")
                #expect(try storage.samples(of: composed).map(\.value) == [1], "\(stage)")
                #expect(try storage.samples(of: decomposed).map(\.value) == [2], "\(stage)")
                let values = try storage.querier(minTime: 0, maxTime: .max).labelValues("v", matching: [])
                #expect(values.map { Array($0.utf8) } == [Array(Self.decomposed.utf8), Array(Self.composed.utf8)], "\(stage)")
                let regex = try LabelMatcher(.regex, "v", Self.composed)
                #expect(try storage.samples([regex]).keys.map { Array($0["v"]!.utf8) } == [Array(Self.composed.utf8)], "\(stage)")
            }
            do {
                let storage = try MetricsStorage(path: path)
                try storage.write(composed, [Sample(timestamp: time, value: 1)])
                try storage.write(decomposed, [Sample(timestamp: time, value: 2)])
                try check(storage, "before the restart")
                try storage.close()
            }
            let storage = try MetricsStorage(path: path)
            defer { try? storage.close() }
            try check(storage, "after the restart")
        }
    }

    /// A catalog as the versions before byte-exact symbols wrote it: symbols as TEXT, and the
    /// damage they did, a value cut at its NUL (`x\0y` stored as `x`) next to a real `x`.
    @Test func aCatalogWithTextSymbolsOpensReadsAndTakesNewSeries() throws {
        try withDataFolder { path in
            let database = try SQLiteFile.open(path + "/catalog.sqlite", schema: DatabaseMigrator())
            try database.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE symbols (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
                        CREATE TABLE series (id INTEGER PRIMARY KEY, labels BLOB NOT NULL);
                        CREATE TABLE metadata (
                            metric TEXT NOT NULL, position INTEGER NOT NULL,
                            type TEXT NOT NULL, help TEXT NOT NULL, unit TEXT NOT NULL,
                            PRIMARY KEY (metric, position));
                        """)
                let texts = ["__name__", "old", "l", "x", "room", Self.composed, "x"]
                for (index, text) in texts.enumerated() {
                    try db.execute(sql: "INSERT INTO symbols (id, text) VALUES (?, ?)", arguments: [index + 1, text])
                }
                // Symbol ids as varints, name then value: old{l="x"}, old{room="é"}, old{l="x"} (the second x).
                for (id, labels) in [(1, [1, 2, 3, 4]), (2, [1, 2, 5, 6]), (3, [1, 2, 3, 7])] {
                    try db.execute(
                        sql: "INSERT INTO series (id, labels) VALUES (?, ?)", arguments: [id, Data(labels.map { UInt8($0) })])
                }
            }
            try database.close()

            let time = recentTime()
            do {
                let storage = try MetricsStorage(path: path)
                try storage.write(labelSet("old", ["room": Self.composed]), [Sample(timestamp: time, value: 1)])
                for number in 0..<3 {
                    try storage.write(labelSet("new", ["n": "\(number)", "v": Self.decomposed]), [Sample(timestamp: time, value: 2)])
                }
                try storage.close()
            }
            let storage = try MetricsStorage(path: path)
            defer { try? storage.close() }
            #expect(try storage.samples(of: labelSet("old", ["room": Self.composed])).map(\.value) == [1])
            #expect(try Self.stored(storage, "new").count == 3)
            #expect(try Self.stored(storage, "new").allSatisfy { sameBytes($0["v"] ?? "", Self.decomposed) })
        }
    }
}
