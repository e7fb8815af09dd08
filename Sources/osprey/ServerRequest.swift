import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// One request of a command-line tool to a server, on a client of its own that gives up at
/// once when nobody listens: the shared client keeps retrying a refused connection until the
/// request's deadline, which for a person at a terminal is a hang.
enum ServerRequest {
    struct Reply {
        var status: UInt
        var body: ByteBuffer
        var pair: (UInt, ByteBuffer) { (status, body) }
    }

    static func send(_ request: HTTPClientRequest, timeout: TimeAmount, maxBodyBytes: Int) async throws -> Reply {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result: Result<Reply, any Error>
        do {
            let response = try await client.execute(request, timeout: timeout)
            result = .success(Reply(status: response.status.code, body: try await response.body.collect(upTo: maxBodyBytes)))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        return try result.get()
    }

    /// An error of `send` in a person's words: `connection refused: 127.0.0.1:9300` rather than
    /// NIO's `connection reset (error set)`.
    static func describe(_ error: any Error, url: String) -> String {
        let address = Self.address(url)
        if let connection = error as? NIOConnectionError {
            return connection.connectionErrors.first.map { describe($0.error, url: url) } ?? "cannot connect to \(address)"
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused: \(address) (is the server running, on that port?)"
            case ETIMEDOUT: return "connection timed out: \(address)"
            case EHOSTUNREACH, ENETUNREACH: return "no route to \(address)"
            default: return "\(address): \(String(cString: strerror(io.errnoCode)))"
            }
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "connection timed out: \(address)"
            case .deadlineExceeded, .readTimeout: return "no answer in time from \(address)"
            default: break
            }
        }
        return "\(error)"
    }

    /// What a 401 means for a command-line user: which token to give, and how.
    static func tokenHint(given: String?, role: String) -> String {
        if given != nil || ProcessInfo.processInfo.environment["OSPREY_TOKEN"] != nil {
            return "; the token given (--token or OSPREY_TOKEN) was refused"
        }
        return "; give a token with the \(role) role: --token TOKEN or OSPREY_TOKEN=TOKEN"
    }

    /// `host:port` of a URL, the port filled in from the scheme.
    private static func address(_ url: String) -> String {
        guard let parsed = URLComponents(string: url), let host = parsed.host else { return url }
        let port = parsed.port ?? (parsed.scheme == "https" ? 443 : 80)
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
