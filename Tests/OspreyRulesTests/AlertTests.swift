import Foundation
import OspreyModel
import OspreyNotification
import OspreyRules
import Testing

@Suite struct AlertTests {
    @Test func anAlertIsResolvedFromItsEnd() {
        let start = Date(timeIntervalSince1970: 1_000)
        let alert = Alert(
            labels: Labels(["alertname": "Down"]), annotations: Labels(), startsAt: start,
            endsAt: start.addingTimeInterval(60), generatorURL: "")
        #expect(!alert.isResolved(at: start.addingTimeInterval(59)))
        #expect(alert.isResolved(at: start.addingTimeInterval(60)))
    }
}
