import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import OspreyFormats

/// `osprey push`: sends samples to a server, for cron jobs and business scripts.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push samples in Prometheus text format to an Osprey server.",
        discussion: """
            Samples come from the arguments (`'orders_total{shop="eu"} 42'`) or, with none, from standard \
            input. Without --job they go to /api/v1/import/prometheus; with --job to the pushgateway-style \
            /metrics/job/<job>, merged into that group. The text is checked before it is sent.
            """
    )

    @Argument(help: "Samples as `name{labels} value [timestamp_ms]`; read from standard input when none are given.")
    var samples: [String] = []

    @Option(help: "Server base URL.")
    var server = "http://127.0.0.1:9300"

    @Option(help: "Bearer token with the ingest role (or set OSPREY_TOKEN).")
    var token: String?

    @Option(help: "Push as this pushgateway job instead of importing.")
    var job: String?

    @Option(name: .customLong("label"), help: "Grouping label name=value for --job, repeatable.")
    var labels: [String] = []

    func validate() throws {
        if job == nil, !labels.isEmpty { throw ValidationError("--label needs --job") }
        for label in labels where !label.contains("=") { throw ValidationError("--label \"\(label)\" is not name=value") }
    }

    func run() async throws {
        let text: [UInt8]
        if samples.isEmpty {
            text = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            text = Array((samples.joined(separator: "\n") + "\n").utf8)
        }
        var parser = ExpositionParser(bytes: text, format: .text)
        var count = 0
        do {
            while let entry = try parser.next() {
                if case .sample = entry { count += 1 }
            }
        } catch {
            Self.fail("\(samples.isEmpty ? "stdin" : "arguments"): \(error)")
        }

        let url = server.trimmingSuffix("/") + path()
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: ExpositionFormat.text.contentType)
        if let token = token ?? ProcessInfo.processInfo.environment["OSPREY_TOKEN"] {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        request.body = .bytes(ByteBuffer(bytes: text))
        let reply: ServerRequest.Reply
        do {
            reply = try await ServerRequest.send(request, timeout: .seconds(60), maxBodyBytes: 1 << 20)
        } catch {
            Self.fail("cannot reach \(server): \(ServerRequest.describe(error, url: url))")
        }
        guard (200..<300).contains(reply.status) else {
            let hint = reply.status == 401 ? ServerRequest.tokenHint(given: token, role: "ingest") : ""
            Self.fail("\(server) answered \(reply.status): \(String(buffer: reply.body))\(hint)")
        }
        // A cron job's log then says what it did.
        print("pushed \(count) sample\(count == 1 ? "" : "s") to \(url)")
    }

    /// The pushgateway path for --job and --label; a value with a slash, or an empty one, goes
    /// in URL-safe base64 (`name@base64/…`) as pushgateway clients send it.
    private func path() -> String {
        guard let job else { return "/api/v1/import/prometheus" }
        var path = "/metrics"
        for (name, value) in [("job", job)] + labels.map(Self.pair) {
            if value.isEmpty || value.contains("/") {
                let encoded = Data(value.utf8).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                path += "/\(Self.escape(name))@base64/\(encoded.isEmpty ? "=" : encoded)"
            } else {
                path += "/\(Self.escape(name))/\(Self.escape(value))"
            }
        }
        return path
    }

    private static func pair(_ label: String) -> (String, String) {
        let parts = label.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        return (parts[0], parts.count > 1 ? parts[1] : "")
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("osprey push: " + message + "\n").utf8))
        Foundation.exit(1)
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
