import AsyncHTTPClient
import NIOCore

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
}
