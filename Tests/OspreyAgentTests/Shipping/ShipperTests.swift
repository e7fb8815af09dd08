import AsyncHTTPClient
import Foundation
import Logging
import OspreyModel
import OspreyTestSupport
import Testing

@testable import OspreyAgent

/// The shipper against real loopback HTTP servers that record what they were sent.
@Suite struct ShipperTests {
    static let logger: Logger = {
        var logger = Logger(label: "shipper-test")
        logger.logLevel = .critical
        return logger
    }()

    /// A queue, a shipper over a fresh client, and the client shut down when `body` is done.
    static func withShipper(
        servers: [String], token: String? = "s3cret", maxSamples: Int = 1000, maxBytes: Int = 1 << 20,
        _ body: (SampleQueue, Shipper) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder()
        let queue = try SampleQueueTests.open(folder, maxBytes: maxBytes)
        let client = Shipper.makeClient()
        let settings = Shipper.Settings(
            servers: servers, token: token, maxSamples: maxSamples, maxAge: .zero,
            backoff: RetryBackoff(initial: .milliseconds(10), maximum: .milliseconds(100)), requestTimeout: .seconds(10))
        let shipper = Shipper(queue: queue, client: client, settings: settings, logger: logger)
        do {
            try await body(queue, shipper)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// Runs the shipper's loop in a task for the length of `body`.
    static func running(_ shipper: Shipper, _ body: () async throws -> Void) async throws {
        let task = Task { await shipper.run() }
        do {
            try await body()
        } catch {
            task.cancel()
            await task.value
            throw error
        }
        task.cancel()
        await task.value
    }

    static func enqueue(_ queue: SampleQueue, _ lines: [String]) throws {
        try queue.enqueue(Array(lines.joined().utf8), samples: lines.count)
    }

    @Test func aPushCarriesTheQueuedLinesGzippedWithTheToken() async throws {
        let server = try await ImportServer.start()
        defer { Task { await server.stop() } }
        try await Self.withShipper(servers: [server.url]) { queue, shipper in
            try Self.enqueue(queue, ["up{job=\"node\",region=\"eu\"} 1 1700000000000\n"])
            try Self.enqueue(queue, ["temp{sensor=\"a\"} 21.5 1700000000500\n", "temp{sensor=\"b\"} -3 1700000000500\n"])

            #expect(await shipper.shipOnce() == nil)

            let pushes = server.pushes
            try #require(pushes.count == 1)
            let push = pushes[0]
            #expect(push.path == "/api/v1/import/prometheus")
            #expect(
                try push.text()
                    == "up{job=\"node\",region=\"eu\"} 1 1700000000000\ntemp{sensor=\"a\"} 21.5 1700000000500\ntemp{sensor=\"b\"} -3 1700000000500\n"
            )
            #expect(push.headers["authorization"] == "Bearer s3cret")
            #expect(push.headers["content-encoding"] == "gzip")
            #expect(push.headers["content-type"]?.hasPrefix("text/plain") == true)

            #expect(queue.statistics.batches == 0)
            #expect(queue.statistics.samples == 0)
            let statistics = shipper.statistics
            #expect(statistics.pushesSent == 1)
            #expect(statistics.pushesFailed == 0)
            #expect(statistics.samplesSent == 3)
            #expect(statistics.samplesRejected == 0)
            #expect(statistics.lastSuccess != nil)

            // Nothing left: the next round sends nothing.
            #expect(await shipper.shipOnce() == nil)
            #expect(server.pushes.count == 1)
        }
    }

    /// Metadata queued with batches goes ahead of the next push's samples, each family once,
    /// and only until a server took it; a family described anew goes again.
    @Test func metadataGoesOnceAheadOfTheSamples() async throws {
        let server = try await ImportServer.start()
        defer { Task { await server.stop() } }
        try await Self.withShipper(servers: [server.url]) { queue, shipper in
            let load = MetricMetadata(type: .gauge, help: "1m load average.")
            try queue.enqueue(Array("node_load1 0.5 1000\n".utf8), samples: 1, metadata: ["node_load1": load])
            try queue.enqueue(
                Array("node_load1 0.6 2000\njobs_total 3 2000\n".utf8), samples: 2,
                metadata: ["node_load1": load, "jobs_total": MetricMetadata(type: .counter)])
            #expect(await shipper.shipOnce() == nil)

            try queue.enqueue(Array("node_load1 0.7 3000\n".utf8), samples: 1)
            #expect(await shipper.shipOnce() == nil)
            try queue.enqueue(
                Array("node_load1 0.8 4000\n".utf8), samples: 1,
                metadata: ["node_load1": MetricMetadata(type: .gauge, help: "Load over 1 minute.")])
            #expect(await shipper.shipOnce() == nil)

            #expect(
                try server.pushes.map { try $0.text() } == [
                    "# TYPE jobs_total counter\n# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\n"
                        + "node_load1 0.5 1000\nnode_load1 0.6 2000\njobs_total 3 2000\n",
                    "node_load1 0.7 3000\n",
                    "# HELP node_load1 Load over 1 minute.\n# TYPE node_load1 gauge\nnode_load1 0.8 4000\n",
                ])
            #expect(try queue.pendingMetadata().isEmpty)

            // Told again soon after it went out, unchanged (a script pushing every few seconds): no news.
            try queue.enqueue(
                Array("node_load1 0.9 5000\n".utf8), samples: 1,
                metadata: ["node_load1": MetricMetadata(type: .gauge, help: "Load over 1 minute.")])
            #expect(try queue.pendingMetadata().isEmpty)
        }
    }

    @Test func metadataRefusedWithItsPushGoesAgain() async throws {
        let server = try await ImportServer.start()
        defer { Task { await server.stop() } }
        server.answer(.init(status: 400, body: "bad data"))
        try await Self.withShipper(servers: [server.url]) { queue, shipper in
            let jobs = ["jobs_total": MetricMetadata(type: .counter, help: "Jobs done.")]
            try queue.enqueue(Array("jobs_total 3 1000\n".utf8), samples: 1, metadata: jobs)
            #expect(await shipper.shipOnce() == nil)
            #expect(shipper.statistics.samplesRejected == 1)
            #expect(try queue.pendingMetadata() == jobs)
        }
    }

    @Test func withoutATokenNoAuthorizationIsSentAndAPathPrefixIsKept() async throws {
        let server = try await ImportServer.start()
        defer { Task { await server.stop() } }
        try await Self.withShipper(servers: [server.url + "/prefix/"], token: nil) { queue, shipper in
            try Self.enqueue(queue, ["a 1 1000\n"])
            #expect(await shipper.shipOnce() == nil)
            let push = try #require(server.pushes.first)
            #expect(push.path == "/prefix/api/v1/import/prometheus")
            #expect(push.headers["authorization"] == nil)
            #expect(try push.text() == "a 1 1000\n")
            #expect(queue.statistics.batches == 0)
        }
    }

    @Test func aPushCarriesAtMostMaxSamplesOldestFirst() async throws {
        let server = try await ImportServer.start()
        defer { Task { await server.stop() } }
        try await Self.withShipper(servers: [server.url], maxSamples: 2) { queue, shipper in
            try Self.enqueue(queue, ["a 1 1000\n"])
            try Self.enqueue(queue, ["b 1 1000\n"])
            try Self.enqueue(queue, ["c 1 1000\n", "c 2 2000\n"])
            #expect(await shipper.shipOnce() == nil)
            #expect(await shipper.shipOnce() == nil)
            #expect(try server.pushes.map { try $0.text() } == ["a 1 1000\nb 1 1000\n", "c 1 1000\nc 2 2000\n"])
            #expect(queue.statistics.batches == 0)
            #expect(shipper.statistics.pushesSent == 2)
            #expect(shipper.statistics.samplesSent == 4)
        }
    }

    @Test func a503WithRetryAfterIsRetriedAndDeliveredOnce() async throws {
        let server = try await ImportServer.start()
        defer { Task { await server.stop() } }
        server.answer(.init(status: 503, retryAfter: "1", body: "overloaded"))
        try await Self.withShipper(servers: [server.url]) { queue, shipper in
            try await Self.running(shipper) {
                try Self.enqueue(queue, ["first 1 1000\n", "first 2 2000\n"])
                // The batch leaves the queue just before the statistics count it.
                try await eventually { queue.statistics.batches == 0 && shipper.statistics.pushesSent == 1 }

                let pushes = server.pushes
                #expect(pushes.map(\.answered) == [503, 204])
                #expect(try pushes.map { try $0.text() } == ["first 1 1000\nfirst 2 2000\n", "first 1 1000\nfirst 2 2000\n"])
                if pushes.count == 2 {
                    // Retry-After: 1 was honoured (the backoff alone would be at most 100ms).
                    #expect(pushes[1].at - pushes[0].at >= .milliseconds(900))
                }
                #expect(shipper.statistics.pushesFailed == 1)
                #expect(shipper.statistics.pushesSent == 1)
                #expect(shipper.statistics.samplesSent == 2)

                // After the success the old batch is not sent again: the next push holds only the new one.
                try Self.enqueue(queue, ["second 1 3000\n"])
                try await eventually { queue.statistics.batches == 0 && shipper.statistics.pushesSent == 2 }
                #expect(try server.pushes.last?.text() == "second 1 3000\n")
                #expect(shipper.statistics.pushesSent == 2)
                #expect(shipper.statistics.pushesFailed == 1)
                #expect(shipper.statistics.samplesSent == 3)
            }
        }
        #expect(server.pushes.count == 3)
    }

    @Test func aRetryableAnswerKeepsTheBatchAndSaysHowLongToWait() async throws {
        let server = try await ImportServer.start()
        defer { Task { await server.stop() } }
        server.answer(.init(status: 503, retryAfter: "7"))
        try await Self.withShipper(servers: [server.url]) { queue, shipper in
            try Self.enqueue(queue, ["a 1 1000\n"])
            // The server's own Retry-After, with one server to go to.
            #expect(await shipper.shipOnce() == .seconds(7))
            #expect(queue.statistics.batches == 1)
            // The breaker stays open for that long: no push goes out meanwhile.
            let pause = try #require(await shipper.shipOnce())
            #expect(pause > .seconds(5) && pause <= .seconds(7))
            #expect(server.pushes.count == 1)
            #expect(queue.statistics.batches == 1)
            #expect(shipper.statistics.pushesFailed == 1)
            #expect(shipper.statistics.samplesRejected == 0)
        }
    }

    @Test func retryableStatusesWithoutRetryAfterBackOffAndKeepTheBatch() async throws {
        let server = try await ImportServer.start()
        defer { Task { await server.stop() } }
        server.answer(.init(status: 500), .init(status: 429), .init(status: 408))
        try await Self.withShipper(servers: [server.url]) { queue, shipper in
            try Self.enqueue(queue, ["a 1 1000\n"])
            for _ in 0..<3 {
                let pause = try #require(await shipper.shipOnce())
                #expect(pause <= .milliseconds(100))
                #expect(queue.statistics.batches == 1)
                // The breaker may open after three failures in a row; wait it out.
                try await Task.sleep(for: pause)
            }
            #expect(server.pushes.map(\.answered) == [500, 429, 408])
            #expect(shipper.statistics.pushesFailed == 3)
            #expect(shipper.statistics.samplesRejected == 0)
            #expect(shipper.statistics.pushesSent == 0)
        }
    }

    @Test func a400DropsTheBatchAndCountsItsSamples() async throws {
        let server = try await ImportServer.start()
        defer { Task { await server.stop() } }
        server.answer(.init(status: 400, body: "bad line 1"))
        try await Self.withShipper(servers: [server.url]) { queue, shipper in
            try Self.enqueue(queue, ["bad 1 1000\n", "bad 2 2000\n"])
            #expect(await shipper.shipOnce() == nil)
            #expect(queue.statistics.batches == 0)
            #expect(shipper.statistics.samplesRejected == 2)
            #expect(shipper.statistics.pushesFailed == 1)
            #expect(shipper.statistics.pushesSent == 0)
            #expect(shipper.statistics.samplesSent == 0)

            // What comes after is not held up, and the refused batch is not sent again.
            try Self.enqueue(queue, ["good 1 3000\n"])
            #expect(await shipper.shipOnce() == nil)
            #expect(try server.pushes.map { try $0.text() } == ["bad 1 1000\nbad 2 2000\n", "good 1 3000\n"])
            #expect(shipper.statistics.pushesSent == 1)
            #expect(shipper.statistics.samplesSent == 1)
            #expect(shipper.statistics.samplesRejected == 2)
        }
    }

    @Test func withTheFirstServerDownEverythingArrivesAtTheSecond() async throws {
        let server = try await ImportServer.start()
        defer { Task { await server.stop() } }
        let closed = "http://127.0.0.1:\(try PeerProcess.freePort())"
        try await Self.withShipper(servers: [closed, server.url], maxSamples: 1) { queue, shipper in
            try await Self.running(shipper) {
                let lines = (1...6).map { "s\($0) \($0) \($0 * 1000)\n" }
                for line in lines { try Self.enqueue(queue, [line]) }
                try await eventually { queue.statistics.batches == 0 && shipper.statistics.pushesSent == 6 }
                // Each batch once, in order.
                #expect(try server.pushes.map { try $0.text() } == lines)
                #expect(shipper.statistics.pushesSent == 6)
                #expect(shipper.statistics.samplesSent == 6)
                #expect(shipper.statistics.pushesFailed >= 1)
            }
        }
    }

    @Test func pushesAreSpreadAcrossServers() async throws {
        let first = try await ImportServer.start()
        let second = try await ImportServer.start()
        defer {
            Task {
                await first.stop()
                await second.stop()
            }
        }
        try await Self.withShipper(servers: [first.url, second.url], maxSamples: 1) { queue, shipper in
            for index in 1...4 { try Self.enqueue(queue, ["s \(index) \(index * 1000)\n"]) }
            for _ in 1...4 { #expect(await shipper.shipOnce() == nil) }
            #expect(try first.pushes.map { try $0.text() } == ["s 1 1000\n", "s 3 3000\n"])
            #expect(try second.pushes.map { try $0.text() } == ["s 2 2000\n", "s 4 4000\n"])
            #expect(queue.statistics.batches == 0)
        }
    }

    @Test func withEveryServerDownTheBatchStays() async throws {
        let closed = "http://127.0.0.1:\(try PeerProcess.freePort())"
        try await Self.withShipper(servers: [closed]) { queue, shipper in
            try Self.enqueue(queue, ["a 1 1000\n"])
            let pause = try #require(await shipper.shipOnce())
            #expect(pause <= .milliseconds(100))
            #expect(queue.statistics.batches == 1)
            #expect(shipper.statistics.pushesFailed == 1)
            #expect(shipper.statistics.pushesSent == 0)
        }
    }

    @Test func theImportURLKeepsAPathPrefix() {
        #expect(Shipper.importURL("http://osprey:9300") == "http://osprey:9300/api/v1/import/prometheus")
        #expect(Shipper.importURL("https://osprey/base/") == "https://osprey/base/api/v1/import/prometheus")
    }
}
