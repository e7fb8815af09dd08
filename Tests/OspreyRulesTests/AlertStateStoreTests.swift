import Foundation
import OspreyModel
import OspreyNotification
import OspreyRules
import Testing

/// The dispatcher's alerts in the alerting database: saved, replaced, removed, and still there
/// when the file is opened again.
@Suite struct AlertStateStoreTests {
    private func alert(_ instance: String, endsAt: TimeInterval) -> Alert {
        Alert(
            labels: Labels(["alertname": "Down", "instance": instance]),
            annotations: Labels(["summary": "\(instance) is down", "runbook": "https://runbooks/down"]),
            startsAt: Date(timeIntervalSince1970: 1_700_000_000.5), endsAt: Date(timeIntervalSince1970: endsAt),
            generatorURL: "http://osprey/graph?g0.expr=up+%3D%3D+0")
    }

    @Test func savedAlertsSurviveReopeningUntilRemoved() async throws {
        let folder = try TemporaryAlertingFolder()
        let a = alert("a", endsAt: 1_700_000_240)
        let b = alert("b", endsAt: 1_700_000_240)
        // Labels whose fingerprints use the top bit, which SQLite's signed integers must keep.
        let highBit = try #require(
            (0..<64).lazy.map { self.alert("host-\($0)", endsAt: 1_700_000_240) }.first {
                $0.labels.alertmanagerFingerprint > UInt64(Int64.max)
            })
        do {
            let store = try folder.openStore()
            try await store.saveAlerts([a, b, highBit])
            var updated = a
            updated.endsAt = Date(timeIntervalSince1970: 1_700_000_480)
            try await store.saveAlerts([updated])
        }
        let store = try folder.openStore()
        let loaded = try await store.loadAlerts()
        #expect(Set(loaded.map(\.labels)) == [a.labels, b.labels, highBit.labels])
        let reloadedA = try #require(loaded.first { $0.labels == a.labels })
        #expect(reloadedA.endsAt == Date(timeIntervalSince1970: 1_700_000_480), "the later save replaced the first")
        #expect(reloadedA.startsAt == a.startsAt && reloadedA.annotations == a.annotations)
        #expect(reloadedA.generatorURL == a.generatorURL)

        try await store.removeAlerts([a.labels.alertmanagerFingerprint, highBit.labels.alertmanagerFingerprint, 42])
        #expect(try await store.loadAlerts() == [b])
    }
}
