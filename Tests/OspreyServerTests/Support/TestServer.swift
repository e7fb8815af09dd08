import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OspreyModel
import OspreyServer
import OspreyStorage
import OspreyTSDB
import OspreyTestSupport
import ServiceLifecycle
import Testing

/// A real Osprey server on an ephemeral loopback port with its own temporary data folder, for
/// integration tests: `try await TestServer.with { server in ... }`.
struct TestServer: Sendable {
    let baseURL: String
    let dataPath: String
    let configPath: String?
    let started: StartedServer

    /// The server's storage, waiting for it to open.
    func storage() async throws -> any Storage {
        let started = self.started
        try await eventually { started.storage() != nil }
        return try #require(started.storage())
    }

    /// Every series matching `matchers` over all time, through the storage's Querier.
    func select(_ matchers: [LabelMatcher]) async throws -> [StoredSeries] {
        try await storage().querier(minTime: .min, maxTime: .max).select(matchers)
    }

    struct Reply: Sendable {
        var status: Int
        var contentType: String?
        var body: String
        var headers: [String: String] = [:]
    }

    /// Starts a server, runs `body` against it, then stops it whatever `body` did. Servers given
    /// the same `folder` one after another share their config and data, as restarts do.
    static func with<T: Sendable>(
        config: String? = nil, selfScrape: Bool = false, folder: TemporaryFolder? = nil,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let folder = try folder ?? TemporaryFolder()
        var configPath: String?
        if let config {
            configPath = folder.path + "/osprey.yml"
            try config.write(toFile: configPath!, atomically: true, encoding: .utf8)
        }
        var logger = Logger(label: "osprey-test")
        logger.logLevel = .warning
        let options = ServerOptions(
            listen: ListenAddress(host: "127.0.0.1", port: 0), dataPath: folder.path + "/data", configPath: configPath,
            handlesSignals: false, selfScrape: selfScrape)
        let (started, continuation) = AsyncStream.makeStream(of: StartedServer.self)
        let server = Server(options: options, logger: logger) { continuation.yield($0) }
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
        let run = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        defer { run.cancel() }
        guard let running = await started.first(where: { _ in true }) else {
            try await run.value
            throw TestFailure("the server stopped before it listened")
        }
        let testServer = TestServer(
            baseURL: "http://127.0.0.1:\(running.address.port)", dataPath: options.dataPath, configPath: configPath,
            started: running)
        let result: T
        do {
            // Storage opens in the background once the port is bound; tests start from a ready server.
            _ = try await testServer.storage()
            result = try await body(testServer)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await run.value
            throw error
        }
        await group.triggerGracefulShutdown()
        try await run.value
        return result
    }

    func get(_ path: String) async throws -> Reply {
        try await send(path, method: .GET)
    }

    func post(_ path: String, body: String = "") async throws -> Reply {
        try await send(path, method: .POST, body: body)
    }

    func send(
        _ path: String, method: HTTPMethod, body: String = "", bytes: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let bytes {
            request.body = .bytes(ByteBuffer(bytes: bytes))
        } else if !body.isEmpty {
            request.body = .bytes(ByteBuffer(string: body))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(
            status: Int(response.status.code), contentType: response.headers.first(name: "content-type"),
            body: String(buffer: bytes),
            headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }) { first, _ in first })
    }

    /// Polls until `condition` holds, with a generous deadline rather than a fixed sleep.
    func eventually(
        timeout: Duration = .seconds(30), file: StaticString = #fileID, line: UInt = #line,
        _ condition: @Sendable () async throws -> Bool
    ) async throws {
        try await OspreyTestSupport.eventually(timeout: timeout, file: file, line: line, condition)
    }
}
