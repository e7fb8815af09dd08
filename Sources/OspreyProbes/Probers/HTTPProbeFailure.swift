import AsyncHTTPClient
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a request got no answer, in the words blackbox users know ("connection refused",
/// "timeout after 1s") rather than the client's error types.
enum HTTPProbeFailure {
    static func describe(_ error: any Error, timeout: Duration) -> String {
        if let error = error as? HTTPClientError,
            error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout || error == .cancelled
        {
            return "timeout after \(timeout.prometheusString)"
        }
        if isRefused(error) { return "connection refused" }
        if let error = error as? HTTPProbeExchange.BodyTooLarge { return error.description }
        return "request failed: \(error)"
    }

    private static func isRefused(_ error: any Error) -> Bool {
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.contains { isRefused($0.error) }
        }
        return "\(error)".localizedLowercase.contains("connection refused")
    }

    /// `HTTP/2` and `HTTP/2.0` name the same version, as blackbox lets either be written.
    static func sameVersion(_ written: String, _ actual: String) -> Bool {
        func normal(_ text: String) -> String { text.hasSuffix(".0") && !text.hasSuffix("1.0") ? String(text.dropLast(2)) : text }
        return normal(written) == normal(actual)
    }
}
