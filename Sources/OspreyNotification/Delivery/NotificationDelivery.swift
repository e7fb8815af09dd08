import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OspreyModel
import Synchronization

/// Sends what the outbox holds: each notification is POSTed to its URL until the receiver
/// answers 2xx, then removed; a failure or other status is retried after a `RetryBackoff` delay.
///
/// Within a queue (receiver, group key, URL) notifications go strictly in the order queued: the
/// next is not sent before the one ahead of it succeeded. Queues proceed independently, at most
/// `maxConcurrentQueues` sending at once. Whatever the outbox holds at start, left by an earlier
/// run, is sent too. Run one delivery per store.
public final class NotificationDelivery: Sendable {
    private let store: AlertingStore
    private let http: HTTPClient
    private let backoff: RetryBackoff
    private let attemptTimeout: Duration
    private let maxConcurrentQueues: Int
    private let logger: Logger
    private let counters = Mutex(DeliveryStatistics())
    /// Queues a worker is draining right now; no second worker starts on them.
    private let busyQueues = Mutex(Set<OutboxQueue>())

    /// - Parameters:
    ///   - attemptTimeout: How long one request may take, response included, before it counts as failed.
    ///   - maxConcurrentQueues: How many queues may send at once; the others wait their turn.
    public init(
        store: AlertingStore, httpClient: HTTPClient = .shared, backoff: RetryBackoff = RetryBackoff(),
        attemptTimeout: Duration = .seconds(10), maxConcurrentQueues: Int = 8,
        logger: Logger = Logger(label: "osprey.notifications")
    ) {
        self.store = store
        self.http = httpClient
        self.backoff = backoff
        self.attemptTimeout = attemptTimeout
        self.maxConcurrentQueues = max(1, maxConcurrentQueues)
        self.logger = logger
    }

    /// Notifications sent and attempts failed since this delivery was made.
    public var statistics: DeliveryStatistics { counters.withLock { $0 } }

    /// How many notifications wait in the outbox.
    public func pendingCount() async throws(AlertingStoreError) -> Int { try await store.pendingCount() }

    /// Delivers until the task is cancelled. A request in flight then is abandoned and its
    /// notification stays in the outbox for the next run.
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let wait: Duration?
                do {
                    wait = try await startDueQueues(in: &group)
                } catch {
                    logger.error("cannot read the notification outbox", metadata: ["error": "\(error)"])
                    wait = .seconds(1)
                }
                await store.outboxChanged.wait(timeout: wait)
            }
        }
    }

    /// Starts a worker on every queue whose head is due and that none is draining, within the
    /// concurrency bound; answers how long until the next head not yet due is (nil: none, or
    /// the bound is reached and a finishing worker will wake the loop).
    private func startDueQueues(in group: inout DiscardingTaskGroup) async throws(AlertingStoreError) -> Duration? {
        let heads = try await store.queueHeads()
        let now = Date()
        var earliest: Date?
        for head in heads {
            if head.nextAttemptAt > now {
                earliest = min(earliest ?? head.nextAttemptAt, head.nextAttemptAt)
                continue
            }
            let started = busyQueues.withLock { busy in
                guard busy.count < maxConcurrentQueues, !busy.contains(head.queue) else { return false }
                busy.insert(head.queue)
                return true
            }
            guard started else { continue }
            group.addTask {
                await self.drain(head.queue)
                self.busyQueues.withLock { _ = $0.remove(head.queue) }
                self.store.outboxChanged.signal()
            }
        }
        return earliest.map { .seconds(max(0, $0.timeIntervalSince(now))) }
    }

    /// Sends the queue's notifications in order until it is empty, its head must wait for a
    /// retry, or the task is cancelled.
    private func drain(_ queue: OutboxQueue) async {
        while !Task.isCancelled {
            let pending: PendingNotification
            do {
                guard let head = try await store.head(of: queue), head.nextAttemptAt <= Date() else { return }
                pending = head
            } catch {
                logger.error("cannot read the notification outbox", metadata: ["error": "\(error)"])
                return
            }
            let failure = await send(pending.notification)
            if Task.isCancelled { return }
            do {
                if let failure {
                    try await recordFailure(of: pending, failure)
                    return
                }
                try await store.markDelivered(pending.id)
                counters.withLock { $0.sent += 1 }
            } catch {
                logger.error("cannot update the notification outbox", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    private func recordFailure(of pending: PendingNotification, _ failure: String) async throws(AlertingStoreError) {
        counters.withLock { $0.failedAttempts += 1 }
        let attempts = pending.attempts + 1
        let delay = backoff.delay(afterAttempts: attempts)
        logger.warning(
            "notification delivery failed; will retry",
            metadata: [
                "receiver": "\(pending.notification.receiver)", "url": "\(pending.notification.url)",
                "attempts": "\(attempts)", "retry_in": "\(delay)", "error": "\(failure)",
            ])
        try await store.markFailed(
            pending.id, attempts: attempts, error: failure, retryAt: Date().addingTimeInterval(delay.seconds))
    }

    /// POSTs the notification; nil when the receiver accepted it, else why not.
    private func send(_ notification: Notification) async -> String? {
        var request = HTTPClientRequest(url: notification.url)
        request.method = .POST
        for (name, value) in notification.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.add(name: name, value: value)
        }
        if !request.headers.contains(name: "User-Agent") { request.headers.add(name: "User-Agent", value: "Osprey") }
        request.body = .bytes(ByteBuffer(bytes: notification.body))
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(attemptTimeout.nanoseconds))
            // Read the body so the connection can be reused; keep its start to quote in the error.
            var start = ByteBuffer()
            for try await part in response.body where start.readableBytes < 256 {
                start.writeImmutableBuffer(part)
            }
            guard (200..<300).contains(response.status.code) else {
                let text = String(buffer: start).prefix(256)
                return "receiver answered HTTP \(response.status.code)" + (text.isEmpty ? "" : ": \(text)")
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
