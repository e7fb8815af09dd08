import AsyncHTTPClient
import Foundation
import Logging
import OspreyModel
import OspreyNotification
import OspreyRules
import OspreyTestSupport
import Testing

@Suite struct DeliveryTests {
    /// Fast retries, so that tests of outages take milliseconds.
    static let quickBackoff = RetryBackoff(initial: .milliseconds(5), maximum: .milliseconds(50))

    static func delivery(
        _ store: AlertingStore, httpClient: HTTPClient = .shared, attemptTimeout: Duration = .seconds(10)
    ) -> NotificationDelivery {
        var logger = Logger(label: "delivery-test")
        logger.logLevel = .critical
        return NotificationDelivery(
            store: store, httpClient: httpClient, backoff: quickBackoff, attemptTimeout: attemptTimeout, logger: logger)
    }

    /// Runs `body` while the delivery runs, then stops it.
    static func running<T>(_ delivery: NotificationDelivery, _ body: () async throws -> T) async throws -> T {
        let task = Task { await delivery.run() }
        defer { task.cancel() }
        let result = try await body()
        task.cancel()
        await task.value
        return result
    }

    @Test(.needsAQuietMachine) func anEnqueuedNotificationArrivesIntactAtOnce() async throws {
        let receiver = try await DeliveryReceiver.start()
        let folder = try TemporaryAlertingFolder()
        let store = try folder.openStore()
        let delivery = Self.delivery(store)
        try await Self.running(delivery) {
            let body = #"{"version":"4","status":"firing","alerts":[{"labels":{"alertname":"Down"}}]}"#
            let start = ContinuousClock.now
            try await store.enqueue([.webhook(body, url: receiver.url("/hook"))])
            try await DeliveryPolling.until { !receiver.received.isEmpty }
            // An idle delivery loop waits for the outbox's signal with no timeout, so arriving at
            // all shows the wake-up; the loose bound catches a polling loop instead.
            #expect(ContinuousClock.now - start < .seconds(10), "no polling interval between enqueue and send")
            let received = try #require(receiver.received.first)
            #expect(received.path == "/hook")
            #expect(received.body == body)
            #expect(received.headers["content-type"] == "application/json")
            #expect(received.headers["authorization"] == "Bearer s3cret")
            try await DeliveryPolling.until { try await store.pendingCount() == 0 }
            #expect(delivery.statistics == DeliveryStatistics(sent: 1, failedAttempts: 0))
        }
        await receiver.stop()
    }

    @Test func aRefusingReceiverGetsEveryNotificationOnceInOrderPerQueue() async throws {
        let receiver = try await DeliveryReceiver.start(refusingFirst: 7)
        let folder = try TemporaryAlertingFolder()
        let store = try folder.openStore()
        let delivery = Self.delivery(store)
        let queues = ["a", "b", "c"]
        try await Self.running(delivery) {
            for index in 0..<5 {
                for queue in queues {
                    try await store.enqueue([.webhook("\(queue)\(index)", group: queue, url: receiver.url("/\(queue)"))])
                }
            }
            try await DeliveryPolling.until { receiver.received.count >= 15 }
            try await DeliveryPolling.until { try await store.pendingCount() == 0 }
        }
        for queue in queues {
            let bodies = receiver.received.filter { $0.path == "/\(queue)" }.map(\.body)
            #expect(bodies == (0..<5).map { "\(queue)\($0)" })
        }
        #expect(receiver.received.count == 15)
        #expect(receiver.refusedCount == 7)
        #expect(delivery.statistics == DeliveryStatistics(sent: 15, failedAttempts: 7))
        let remaining = try await store.pendingNotifications()
        #expect(remaining.isEmpty)
        await receiver.stop()
    }

    @Test func aReceiverThatWasDownGetsItsBacklogWhenBack() async throws {
        // Take a free port, then close it: connections are refused until a receiver listens there.
        let gone = try await DeliveryReceiver.start()
        let port = gone.port
        await gone.stop()
        let folder = try TemporaryAlertingFolder()
        let store = try folder.openStore()
        // A client that fails a refused connection at once, so that attempts fail fast while the
        // receiver is away, and an attempt once it is back has time to be answered on a loaded
        // machine (a timed-out answer would be sent again).
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { Task { try? await client.shutdown() } }
        let delivery = Self.delivery(store, httpClient: client)
        let url = "http://127.0.0.1:\(port)/hook"
        let received = try await Self.running(delivery) {
            try await store.enqueue((0..<4).map { OspreyNotification.Notification.webhook("n\($0)", url: url) })
            try await DeliveryPolling.until { delivery.statistics.failedAttempts >= 3 }
            let pending = try await store.pendingNotifications()
            #expect(pending.count == 4)
            #expect(pending.first?.attempts ?? 0 >= 1)
            #expect(pending.first?.lastError?.isEmpty == false)
            #expect(pending.dropFirst().allSatisfy { $0.attempts == 0 }, "later notifications wait behind the first")
            let receiver = try await DeliveryReceiver.start(port: port)
            try await DeliveryPolling.until { try await store.pendingCount() == 0 }
            let received = receiver.received
            await receiver.stop()
            return received
        }
        #expect(received.map(\.body) == ["n0", "n1", "n2", "n3"])
    }

    @Test func aReopenedStoreResumesWhatWasPending() async throws {
        let receiver = try await DeliveryReceiver.start()
        let folder = try TemporaryAlertingFolder()
        do {
            // Queued by a run that stopped before delivering anything.
            let store = try folder.openStore()
            try await store.enqueue((0..<3).map { OspreyNotification.Notification.webhook("before restart \($0)", url: receiver.url("/r")) })
        }
        let store = try folder.openStore()
        #expect(try await store.pendingCount() == 3)
        try await Self.running(Self.delivery(store)) {
            try await DeliveryPolling.until { try await store.pendingCount() == 0 }
        }
        #expect(receiver.received.map(\.body) == (0..<3).map { "before restart \($0)" })
        await receiver.stop()
    }

    @Test func stoppingMidRequestKeepsTheNotification() async throws {
        let receiver = try await DeliveryReceiver.start()
        receiver.stall(.seconds(60))
        let folder = try TemporaryAlertingFolder()
        do {
            let store = try folder.openStore()
            let delivery = Self.delivery(store)
            try await Self.running(delivery) {
                try await store.enqueue([.webhook("in flight", url: receiver.url("/slow"))])
                // Stop the delivery once the request is under way.
                try await DeliveryPolling.until { receiver.arrivedCount >= 1 }
            }
            #expect(try await store.pendingCount() == 1)
        }
        receiver.stall(.zero)
        let store = try folder.openStore()
        try await Self.running(Self.delivery(store)) {
            try await DeliveryPolling.until { try await store.pendingCount() == 0 }
        }
        #expect(receiver.received.map(\.body).last == "in flight")
        await receiver.stop()
    }

    @Test func aSlowReceiverTimesOutAndIsRetried() async throws {
        let receiver = try await DeliveryReceiver.start()
        receiver.stall(.seconds(60))
        let folder = try TemporaryAlertingFolder()
        let store = try folder.openStore()
        let delivery = Self.delivery(store, attemptTimeout: .milliseconds(100))
        try await Self.running(delivery) {
            try await store.enqueue([.webhook("slow", url: receiver.url("/slow"))])
            try await DeliveryPolling.until { delivery.statistics.failedAttempts >= 1 }
            receiver.stall(.zero)
            try await DeliveryPolling.until { try await store.pendingCount() == 0 }
        }
        #expect(receiver.received.map(\.body).contains("slow"))
        await receiver.stop()
    }
}
