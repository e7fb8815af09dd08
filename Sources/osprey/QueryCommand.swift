import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// `osprey query`: evaluates PromQL on a server through its Prometheus API and prints the
/// result for a person: a table for an instant query, sparklines for a range.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Evaluate a PromQL expression on an Osprey (or Prometheus) server.",
        discussion: """
            Without --start, --end or --step, an instant query at --time (default now): one line per \
            series with its value. With any of them, a range query from --start (default now-1h) to \
            --end (default now) every --step (default: about 250 points): one line per series with a \
            sparkline and its min, max and last value. Times are RFC 3339, Unix seconds, or relative \
            as now-1h; durations as 15s or 1m30s.
            """
    )

    @Argument(help: "The PromQL expression.")
    var expression: String

    @Option(help: "Server base URL.")
    var server = "http://127.0.0.1:9300"

    @Option(help: "Bearer token with the query role (or set OSPREY_TOKEN).")
    var token: String?

    @Option(help: "Evaluation time of an instant query (default now).")
    var time: String?

    @Option(help: "Start of a range query (default now-1h).")
    var start: String?

    @Option(help: "End of a range query (default now).")
    var end: String?

    @Option(help: "Resolution of a range query, e.g. 15s.")
    var step: String?

    private var isRange: Bool { start != nil || end != nil || step != nil }

    func validate() throws {
        if time != nil, isRange { throw ValidationError("--time is for instant queries; a range takes --start, --end, --step") }
    }

    func run() async throws {
        let (path, parameters): (String, [(String, String)])
        do {
            (path, parameters) = try request()
        } catch {
            Self.fail("\(error)")
        }
        let url = server.trimmingSuffix("/") + path
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        // A form body rather than the URL: expressions can be longer than a URL may be.
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let token = token ?? ProcessInfo.processInfo.environment["OSPREY_TOKEN"] {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        request.body = .bytes(ByteBuffer(string: Self.form(parameters)))

        let status: UInt
        let body: ByteBuffer
        do {
            (status, body) = try await ServerRequest.send(request, timeout: .seconds(300), maxBodyBytes: 1 << 30).pair
        } catch {
            Self.fail("cannot reach \(server): \(ServerRequest.describe(error, url: url))")
        }
        guard let reply = try? JSONDecoder().decode(QueryReply.self, from: Data(body.readableBytesView)) else {
            Self.fail("\(server) answered \(status) with no API reply: \(String(buffer: body).prefix(200))")
        }
        for warning in reply.warnings ?? [] {
            FileHandle.standardError.write(Data("osprey query: warning: \(warning)\n".utf8))
        }
        guard reply.status == "success", let data = reply.data else {
            let hint = status == 401 ? ServerRequest.tokenHint(given: token, role: "query") : ""
            Self.fail("\(reply.errorType ?? "error") (\(status)): \(reply.error ?? "no error given")\(hint)")
        }
        FileHandle.standardOutput.write(Data(QueryTable.render(data).utf8))
    }

    /// The endpoint and its parameters, relative times resolved against one `now` for the whole
    /// command, so that `--start now-105s --end now` spans exactly 105 s.
    func request(now: Date = Date()) throws -> (String, [(String, String)]) {
        guard isRange else {
            let at = try time.map { try RelativeTime.parameter($0, now: now) }
            return ("/api/v1/query", [("query", expression)] + (at.map { [("time", $0)] } ?? []))
        }
        let endMilliseconds = try RelativeTime.milliseconds(end ?? "now", now: now)
        let startMilliseconds =
            try start.map { try RelativeTime.milliseconds($0, now: now) } ?? endMilliseconds.subtractingSaturated(3_600_000)
        // About 250 points, as Prometheus's own graph page picks, in whole seconds. Times may be
        // 292 million years apart, more milliseconds than 63 bits count.
        let resolution = step ?? String(max(1, endMilliseconds.subtractingSaturated(startMilliseconds) / 250 / 1000))
        return (
            "/api/v1/query_range",
            [
                ("query", expression), ("start", RelativeTime.seconds(startMilliseconds)),
                ("end", RelativeTime.seconds(endMilliseconds)), ("step", resolution),
            ]
        )
    }

    private static func form(_ parameters: [(String, String)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return parameters.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("osprey query: " + message + "\n").utf8))
        Foundation.exit(1)
    }
}
