import AsyncHTTPClient
import Foundation
import NIOCore
import OspreyTestSupport

/// An `osprey server` and an `osprey agent` run as their binaries, as a user runs them, so a
/// test can stop, kill and restart either: the server on a fixed port and data folder, the
/// agent with its buffer file.
struct OspreyProcesses {
    let folder: TemporaryFolder
    let serverPort: Int
    let agentPort: Int
    var interval = "1s"

    init() throws {
        folder = try TemporaryFolder()
        serverPort = try PeerProcess.freePort()
        agentPort = try PeerProcess.freePort()
    }

    var serverURL: String { "http://127.0.0.1:\(serverPort)" }
    var agentURL: String { "http://127.0.0.1:\(agentPort)" }

    /// Starts the server and waits until it is ready.
    func startServer() async throws -> PeerProcess {
        let server = try PeerProcess.start(
            try OspreyBinary.path, ["server", "--listen", "127.0.0.1:\(serverPort)", "--data", folder.path + "/data"])
        try await eventually(timeout: .seconds(60)) { (try? await Self.get(serverURL + "/-/ready").status) == 200 }
        return server
    }

    /// Starts the agent (host metrics every `interval`, pushing to the server, and whatever
    /// `extraConfig` adds) and waits until its local port answers.
    func startAgent(extraConfig: String = "") async throws -> PeerProcess {
        let config = folder.path + "/agent.yml"
        try """
        server: \(serverURL)
        interval: \(interval)
        batch: {max_age: 200ms}
        buffer: {path: \(folder.path)/buffer.sqlite}
        listen: 127.0.0.1:\(agentPort)
        \(extraConfig)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let agent = try PeerProcess.start(try OspreyBinary.path, ["agent", "--config", config])
        try await eventually(timeout: .seconds(60)) { (try? await Self.get(agentURL + "/-/healthy").status) == 200 }
        return agent
    }

    /// One of the agent's own metrics, from its `/metrics`.
    func agentMetric(_ name: String) async throws -> Double? {
        let page = try await Self.get(agentURL + "/metrics").body
        for line in page.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ")[1])
        }
        return nil
    }

    /// The raw samples of `selector` over the last `window`, as (Unix seconds, value) per series.
    func samples(_ selector: String, window: String) async throws -> [(labels: [String: String], samples: [(Double, Double)])] {
        let query = "\(selector)[\(window)]".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector
        let reply = try await Self.get(serverURL + "/api/v1/query?query=\(query)")
        guard let json = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { throw TestFailure("unexpected answer to \(selector): \(reply.body)") }
        return result.map { entry in
            let values = (entry["values"] as? [[Any]]) ?? []
            return (
                (entry["metric"] as? [String: String]) ?? [:],
                values.compactMap { pair in
                    guard let time = pair.first as? Double ?? (pair.first as? Int).map(Double.init),
                        let text = pair.last as? String, let value = Double(text)
                    else { return nil }
                    return (time, value)
                }
            )
        }
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        try await send(HTTPClientRequest(url: url))
    }

    static func send(_ request: HTTPClientRequest, timeout: TimeAmount = .seconds(10)) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}
