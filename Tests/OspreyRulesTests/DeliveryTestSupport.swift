import Foundation
import Hummingbird
import Logging
import NIOCore
import OspreyNotification
import OspreyRules
import OspreyTestSupport
import Synchronization

/// A webhook receiver on a loopback port, served by a real HTTP server, that records what it is
/// sent and can be told to refuse (HTTP 500) a number of requests first.
final class DeliveryReceiver: Sendable {
    struct Received: Sendable, Hashable {
        var path: String
        var headers: [String: String]
        var body: String
    }

    private final class State: Sendable {
        let received = Mutex<[Received]>([])
        let refusalsLeft = Mutex(0)
        let refused = Mutex(0)
        /// Requests that reached the handler, answered or not.
        let arrived = Mutex(0)
        /// How long to hold each request before answering.
        let stall = Mutex<Duration>(.zero)
    }

    let port: Int
    private let state: State
    private let task: Task<Void, any Error>

    private init(port: Int, state: State, task: Task<Void, any Error>) {
        self.port = port
        self.state = state
        self.task = task
    }

    /// Starts on `port`, or on an ephemeral one when 0.
    static func start(port: Int = 0, refusingFirst refusals: Int = 0) async throws -> DeliveryReceiver {
        let state = State()
        state.refusalsLeft.withLock { $0 = refusals }
        let router = Router()
        router.post("/**") { request, _ -> Response in
            state.arrived.withLock { $0 += 1 }
            try await Task.sleep(for: state.stall.withLock { $0 })
            let body = try await request.body.collect(upTo: 1 << 20)
            let refuse = state.refusalsLeft.withLock { left in
                guard left > 0 else { return false }
                left -= 1
                return true
            }
            if refuse {
                state.refused.withLock { $0 += 1 }
                return Response(status: .internalServerError, body: ResponseBody(byteBuffer: ByteBuffer(string: "busy")))
            }
            let headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }) { first, _ in first }
            state.received.withLock {
                $0.append(Received(path: request.uri.path, headers: headers, body: String(buffer: body)))
            }
            return Response(status: .ok)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        guard let bound = await ports.first(where: { _ in true }) else { throw DeliveryTestFailure("receiver did not start") }
        return DeliveryReceiver(port: bound, state: state, task: task)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    var received: [Received] { state.received.withLock { $0 } }
    var refusedCount: Int { state.refused.withLock { $0 } }
    var arrivedCount: Int { state.arrived.withLock { $0 } }

    /// Holds every request this long before answering.
    func stall(_ duration: Duration) { state.stall.withLock { $0 = duration } }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

struct DeliveryTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum DeliveryPolling {
    /// Polls until `condition` holds, with a generous deadline rather than a fixed sleep.
    static func until(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw DeliveryTestFailure("condition not met within \(timeout)")
    }
}

/// A fresh folder for an alerting database, removed afterwards.
final class TemporaryAlertingFolder: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-alerting-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var databasePath: String { path + "/alerting.sqlite" }

    func openStore() throws -> AlertingStore { try AlertingStore(path: databasePath) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension OspreyNotification.Notification {
    /// A JSON webhook notification with `text` as its body.
    static func webhook(_ text: String, receiver: String = "ops", group: String = "{}:{alertname=\"Down\"}", url: String)
        -> OspreyNotification.Notification
    {
        Notification(
            receiver: receiver, groupKey: group, url: url,
            headers: ["Content-Type": "application/json", "Authorization": "Bearer s3cret"], body: Data(text.utf8))
    }
}

extension AlertingStore {
    /// Enqueues notifications with an empty log entry, as the dispatcher would.
    func enqueue(_ notifications: [OspreyNotification.Notification]) async throws {
        guard let first = notifications.first else { return }
        try await enqueue(
            notifications, notified: NotificationLogEntry(firing: [1], resolved: [], sentAt: Date()),
            receiver: first.receiver, groupKey: first.groupKey)
    }
}
