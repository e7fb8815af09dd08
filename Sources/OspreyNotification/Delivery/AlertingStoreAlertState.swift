import Foundation
import GRDB
import OspreyModel

/// The dispatcher's alerts in the `alerts` table, keyed by their Alertmanager fingerprint.
extension AlertingStore: AlertStatePersistence {
    public func saveAlerts(_ alerts: [Alert]) async throws(AlertingStoreError) {
        guard !alerts.isEmpty else { return }
        do {
            let rows = try alerts.map { alert in
                (alert, try Self.labelsText(alert.labels), try Self.labelsText(alert.annotations))
            }
            try await database.write { db in
                for (alert, labels, annotations) in rows {
                    try db.execute(
                        sql: """
                            INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url)
                            VALUES (?, ?, ?, ?, ?, ?)
                            ON CONFLICT (fingerprint) DO UPDATE
                            SET labels = excluded.labels, annotations = excluded.annotations, starts_at = excluded.starts_at,
                                ends_at = excluded.ends_at, generator_url = excluded.generator_url
                            """,
                        arguments: [
                            Self.column(alert.labels.alertmanagerFingerprint), labels, annotations,
                            alert.startsAt.timeIntervalSince1970, alert.endsAt.timeIntervalSince1970, alert.generatorURL,
                        ])
                }
            }
        } catch {
            throw AlertingStoreError("save \(alerts.count) alerts", error)
        }
    }

    public func removeAlerts(_ fingerprints: Set<UInt64>) async throws(AlertingStoreError) {
        guard !fingerprints.isEmpty else { return }
        do {
            try await database.write { db in
                for fingerprint in fingerprints {
                    try db.execute(sql: "DELETE FROM alerts WHERE fingerprint = ?", arguments: [Self.column(fingerprint)])
                }
            }
        } catch {
            throw AlertingStoreError("remove \(fingerprints.count) alerts", error)
        }
    }

    public func loadAlerts() async throws(AlertingStoreError) -> [Alert] {
        do {
            return try await database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM alerts ORDER BY fingerprint").map { row in
                    Alert(
                        labels: try Self.labels(row["labels"]), annotations: try Self.labels(row["annotations"]),
                        startsAt: Date(timeIntervalSince1970: row["starts_at"]), endsAt: Date(timeIntervalSince1970: row["ends_at"]),
                        generatorURL: row["generator_url"])
                }
            }
        } catch {
            throw AlertingStoreError("load the alerts", error)
        }
    }

    /// SQLite integers are signed; the fingerprint keeps its 64 bits.
    private static func column(_ fingerprint: UInt64) -> Int64 { Int64(bitPattern: fingerprint) }

    /// Name/value pairs rather than a JSON object: names that differ only in Unicode
    /// normalisation stay distinct, as they are in the label set.
    private static func labelsText(_ labels: Labels) throws -> String {
        try json(labels.map { [$0.name, $0.value] })
    }

    private static func labels(_ text: String) throws -> Labels {
        let pairs = try JSONDecoder().decode([[String]].self, from: Data(text.utf8))
        return Labels(
            try pairs.map { pair in
                guard pair.count == 2 else { throw MalformedLabelPair(pair: pair) }
                return Label(pair[0], pair[1])
            })
    }

    private struct MalformedLabelPair: Error, CustomStringConvertible {
        var pair: [String]
        var description: String { "expected a name and a value, found \(pair)" }
    }
}
