import Hummingbird
import OspreyQuery

/// Why an API request got no answer, in Prometheus's error envelope
/// `{"status":"error","errorType":"bad_data","error":"line 3: …"}`, with Prometheus's pairing of
/// `errorType` and status (`bad_data` 400, `execution` 422, `timeout`/`canceled` 503,
/// `internal` 500), shared by the push and query endpoints.
struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    var status: HTTPResponse.Status
    var errorType: String
    var message: String
    var headers: HTTPFields = [:]

    var description: String { "\(errorType): \(message)" }

    static func badData(_ message: String) -> APIError {
        APIError(status: .badRequest, errorType: "bad_data", message: message)
    }

    /// A request parameter that cannot be read, worded as Prometheus's `invalidParamError`.
    static func invalidParameter(_ name: String, _ reason: String) -> APIError {
        badData("invalid parameter \"\(name)\": \(reason)")
    }

    static func execution(_ message: String) -> APIError {
        APIError(status: .unprocessableContent, errorType: "execution", message: message)
    }

    static func timeout(_ message: String) -> APIError {
        APIError(status: .serviceUnavailable, errorType: "timeout", message: message)
    }

    static func canceled(_ message: String) -> APIError {
        APIError(status: .serviceUnavailable, errorType: "canceled", message: message)
    }

    static func `internal`(_ message: String) -> APIError {
        APIError(status: .internalServerError, errorType: "internal", message: message)
    }

    static func tooLarge(_ message: String) -> APIError {
        APIError(status: .contentTooLarge, errorType: "bad_data", message: message)
    }

    static func unauthorized() -> APIError {
        APIError(
            status: .unauthorized, errorType: "unauthorized", message: "a bearer token is required",
            headers: [.wwwAuthenticate: "Bearer"])
    }

    static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, errorType: "forbidden", message: message)
    }

    /// A bulkhead is full. 429 rather than 503: the server is healthy, this client should slow
    /// down, and clients (Grafana, the Go and Python API clients) retry 429 after Retry-After.
    static func saturated(_ what: String) -> APIError {
        APIError(
            status: .tooManyRequests, errorType: "unavailable",
            message: "too many concurrent \(what) requests; retry shortly", headers: [.retryAfter: "1"])
    }

    static func unavailable(_ message: String) -> APIError {
        APIError(status: .serviceUnavailable, errorType: "unavailable", message: message, headers: [.retryAfter: "5"])
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = JSONWriter(capacity: 64 + message.utf8.count)
        json.raw(#"{"status":"error","errorType":"#)
        json.string(errorType)
        json.raw(#","error":"#)
        json.string(message)
        json.raw("}")
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: json.buffer))
    }
}

extension APIError {
    /// A query's failure, typed as Prometheus's `returnAPIError` types the engine's errors.
    init(_ error: QueryError) {
        switch error.errorType {
        case "bad_data": self = .badData(error.description)
        case "timeout": self = .timeout(error.description)
        case "canceled": self = .canceled(error.description)
        case "internal": self = .internal(error.description)
        default: self = .execution(error.description)
        }
    }
}
