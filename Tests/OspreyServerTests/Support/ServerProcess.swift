import AsyncHTTPClient
import Foundation
import NIOCore
import OspreyTestSupport

/// One `osprey server` binary on a port and a data folder of its own, its two output streams
/// kept, for tests that push to it, query it, signal it and time its stop as a user would.
final class ServerProcess: @unchecked Sendable {
    // Process is not Sendable; the test that owns this starts it once and signals it once.
    private let process = Process()
    let folder: TemporaryFolder
    let port: Int
    let stdout = OutputCollector()
    let stderr = OutputCollector()

    var base: String { "http://127.0.0.1:\(port)" }
    var isRunning: Bool { process.isRunning }
    var processIdentifier: Int32 { process.processIdentifier }
    /// The exit status once the process has ended, nil while it runs.
    var terminationStatus: Int32? { process.isRunning ? nil : process.terminationStatus }
    var terminationReason: Process.TerminationReason? { process.isRunning ? nil : process.terminationReason }
    /// The end of both streams, for a failure message.
    var log: String { String((stdout.text + stderr.text).suffix(2000)) }

    /// Picks the port and folder; `start` runs the binary.
    init() throws {
        folder = try TemporaryFolder()
        port = try PeerProcess.freePort()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Runs `osprey server` with `config` (when given) as its config file, and waits until
    /// `/-/ready` answers 200.
    func start(config: String? = nil) async throws {
        var arguments = ["server", "--listen", "127.0.0.1:\(port)", "--data", folder.path + "/data"]
        if let config {
            let path = folder.path + "/osprey.yml"
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["--config", path]
        }
        process.executableURL = URL(fileURLWithPath: try OspreyBinary.path)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        stdout.attach(out)
        stderr.attach(err)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        try await eventually(timeout: .seconds(60)) {
            guard process.isRunning else { throw TestFailure("the server exited: \(log)") }
            return (try? await OspreyProcesses.get(base + "/-/ready").status) == 200
        }
    }

    /// Sends SIGTERM and waits up to `limit` for the process to exit; true if it did.
    func terminate(within limit: Duration) async throws -> Bool {
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    /// Pushes Prometheus text to `/api/v1/import/prometheus`.
    func push(_ text: String) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: base + "/api/v1/import/prometheus")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: text))
        return try await OspreyProcesses.send(request)
    }

    /// GETs `path` from the server.
    func get(_ path: String) async throws -> (status: Int, body: String) {
        try await OspreyProcesses.get(base + path)
    }
}
