import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OspreyCompression
import OspreyFormats
import OspreyModel
import Synchronization

/// Sends the queue to the servers, oldest batches first, as gzip text to each server's
/// `/api/v1/import/prometheus`; a batch leaves the queue only once a server has answered 2xx.
///
/// A push waits until `maxSamples` are queued or the oldest has waited `maxAge`. Pushes go to
/// the servers in turn; one that fails is skipped while its breaker is open, and when every
/// server is failing the shipper backs off with full jitter, or for as long as a server's
/// `Retry-After` says.
public final class Shipper: Sendable {
    public struct Settings: Sendable {
        public var servers: [String]
        public var token: String?
        public var maxSamples: Int
        public var maxAge: Duration
        public var backoff: RetryBackoff
        public var requestTimeout: Duration

        public init(
            servers: [String], token: String?, maxSamples: Int, maxAge: Duration, backoff: RetryBackoff = RetryBackoff(maximum: .seconds(30)),
            requestTimeout: Duration = .seconds(30)
        ) {
            self.servers = servers
            self.token = token
            self.maxSamples = maxSamples
            self.maxAge = maxAge
            self.backoff = backoff
            self.requestTimeout = requestTimeout
        }
    }

    private struct State {
        var breakers: [CircuitBreaker]
        var next = 0
        var failuresInARow = 0
        var statistics = ShipperStatistics()
    }

    private let queue: SampleQueue
    private let settings: Settings
    private let client: HTTPClient
    private let logger: Logger
    private let state: Mutex<State>

    public init(queue: SampleQueue, client: HTTPClient, settings: Settings, logger: Logger) {
        self.queue = queue
        self.settings = settings
        self.client = client
        self.logger = logger
        state = Mutex(State(breakers: Array(repeating: CircuitBreaker(), count: settings.servers.count)))
    }

    public var statistics: ShipperStatistics { state.withLock { $0.statistics } }

    /// A client that fails a push to a server that is down at once, rather than retrying the
    /// connection inside one push: the shipper decides when to try again, and where.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Ships until cancelled.
    public func run() async {
        guard !settings.servers.isEmpty else {
            logger.error("no server to ship to; samples stay in the buffer")
            return
        }
        while !Task.isCancelled {
            let queued = queue.statistics
            guard let oldest = queued.oldestEnqueuedAt, queued.batches > 0 else {
                await queue.changed.wait(timeout: nil)
                continue
            }
            let waited = Duration.seconds(Date().timeIntervalSince(oldest))
            if queued.samples < settings.maxSamples, waited < settings.maxAge {
                await queue.changed.wait(timeout: settings.maxAge - waited)
                continue
            }
            if let pause = await shipOnce() {
                try? await Task.sleep(for: pause)
            }
        }
    }

    /// One push of the oldest batches; the pause before the next try when it failed.
    func shipOnce() async -> Duration? {
        let batches: [SampleQueue.Batch]
        do {
            batches = try queue.oldest(maxSamples: settings.maxSamples)
        } catch {
            logger.error("cannot read the buffer", metadata: ["error": "\(error)"])
            return .seconds(1)
        }
        guard let last = batches.last else { return nil }
        let samples = batches.reduce(0) { $0 + $1.samples }
        guard let index = openServer(claim: true) else {
            return untilFirstServerReopens()
        }
        let server = settings.servers[index]
        // Metadata news goes ahead of the samples, each family once, as a scrape page has it.
        let metadata = (try? queue.pendingMetadata()) ?? [:]
        let outcome = await push(Self.metadataLines(metadata) + batches.flatMap(\.body), to: server)
        switch outcome {
        case .delivered:
            forget(through: last.id, metadata: metadata)
            state.withLock {
                $0.breakers[index].succeeded()
                $0.failuresInARow = 0
                $0.statistics.pushesSent += 1
                $0.statistics.samplesSent += samples
                $0.statistics.lastSuccess = Date()
            }
            return nil
        case .rejected(let reason):
            // Bad data stays bad: keeping it would block everything queued behind it. The
            // metadata was refused with it (a push is stored whole or not at all): it goes again.
            forget(through: last.id, metadata: [:])
            state.withLock {
                // The server answered: it is up, whatever it thought of the data.
                $0.breakers[index].succeeded()
                $0.failuresInARow = 0
                $0.statistics.pushesFailed += 1
                $0.statistics.samplesRejected += samples
            }
            logger.error("server refused samples; dropped", metadata: ["server": "\(server)", "samples": "\(samples)", "error": "\(reason)"])
            return nil
        case .retry(let reason, let retryAfter):
            let failures = state.withLock {
                $0.breakers[index].failed(at: .now, retryAfter: retryAfter)
                $0.failuresInARow += 1
                $0.statistics.pushesFailed += 1
                return $0.failuresInARow
            }
            logger.warning("push failed; will retry", metadata: ["server": "\(server)", "samples": "\(samples)", "error": "\(reason)"])
            // Another server may take it at once; when all are failing, back off.
            if failures < settings.servers.count, openServer(claim: false) != nil { return nil }
            return retryAfter ?? settings.backoff.delay(afterAttempts: (failures + settings.servers.count - 1) / settings.servers.count)
        }
    }

    private func forget(through id: Int64, metadata: [String: MetricMetadata]) {
        do {
            try queue.remove(through: id)
            try queue.metadataSent(metadata)
        } catch {
            logger.error("cannot remove shipped samples from the buffer", metadata: ["error": "\(error)"])
        }
    }

    /// `# HELP` and `# TYPE` lines of text format 0.0.4, which has no `# UNIT`.
    static func metadataLines(_ metadata: [String: MetricMetadata]) -> [UInt8] {
        let writer = ExpositionWriter(format: .text)
        var lines: [UInt8] = []
        for (name, description) in metadata.sorted(by: { $0.key < $1.key }) {
            writer.write(
                MetricFamily(name: name, type: description.type, help: description.help.isEmpty ? nil : description.help),
                into: &lines)
        }
        return lines
    }

    /// The next server in turn whose breaker lets a push through; `claim` makes it the one
    /// that was used, so the following pick starts after it.
    private func openServer(claim: Bool) -> Int? {
        state.withLock { state -> Int? in
            let now = ContinuousClock.now
            for step in 0..<state.breakers.count {
                let index = (state.next + step) % state.breakers.count
                guard state.breakers[index].isClosed(at: now) else { continue }
                if claim { state.next = (index + 1) % state.breakers.count }
                return index
            }
            return nil
        }
    }

    private func untilFirstServerReopens() -> Duration {
        state.withLock { state in
            let now = ContinuousClock.now
            let soonest = state.breakers.compactMap(\.openUntil).min() ?? now
            return max(soonest - now, .milliseconds(10))
        }
    }

    private func push(_ text: [UInt8], to server: String) async -> PushOutcome {
        do {
            let body = try Gzip.compress(text)
            var request = HTTPClientRequest(url: Self.importURL(server))
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "text/plain; version=0.0.4")
            request.headers.add(name: "Content-Encoding", value: "gzip")
            request.headers.add(name: "User-Agent", value: "osprey-agent")
            if let token = settings.token, !token.isEmpty {
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: .nanoseconds(settings.requestTimeout.nanoseconds))
            let answer = try await response.body.collect(upTo: 64 << 10)
            return PushOutcome(status: response.status, headers: response.headers, body: String(buffer: answer))
        } catch {
            return .retry("\(error)", retryAfter: nil)
        }
    }

    /// The import endpoint under the server's base URL (which may carry a path prefix).
    static func importURL(_ server: String) -> String {
        (server.hasSuffix("/") ? String(server.dropLast()) : server) + "/api/v1/import/prometheus"
    }
}
