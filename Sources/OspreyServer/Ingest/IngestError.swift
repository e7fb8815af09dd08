import Foundation
import Hummingbird

/// Why a push was refused, answered in Prometheus's error envelope:
/// `{"status":"error","errorType":"bad_data","error":"line 3: …"}`.
struct IngestError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var errorType: String
    var message: String
    var headers: HTTPFields = [:]

    static func badData(_ message: String) -> IngestError {
        IngestError(status: .badRequest, errorType: "bad_data", message: message)
    }

    static func tooLarge(_ message: String) -> IngestError {
        IngestError(status: .contentTooLarge, errorType: "bad_data", message: message)
    }

    static func unauthorized() -> IngestError {
        IngestError(
            status: .unauthorized, errorType: "unauthorized", message: "a bearer token is required",
            headers: [.wwwAuthenticate: "Bearer"])
    }

    static func forbidden(_ message: String) -> IngestError {
        IngestError(status: .forbidden, errorType: "forbidden", message: message)
    }

    static func saturated(_ what: String) -> IngestError {
        IngestError(
            status: .tooManyRequests, errorType: "unavailable",
            message: "too many concurrent \(what) requests; retry shortly", headers: [.retryAfter: "1"])
    }

    static func unavailable(_ message: String) -> IngestError {
        IngestError(status: .serviceUnavailable, errorType: "unavailable", message: message, headers: [.retryAfter: "5"])
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: String] = ["status": "error", "errorType": errorType, "error": message]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
