import Hummingbird

/// Prometheus's success envelope, `{"status":"success","data":…,"warnings":[…]}`, with `data`
/// written by the caller straight into the body.
enum APIResponse {
    static func success(
        capacity: Int = 256, warnings: [String] = [], data write: (inout JSONWriter) -> Void
    ) -> Response {
        var json = JSONWriter(capacity: capacity)
        json.raw(#"{"status":"success","data":"#)
        write(&json)
        if !warnings.isEmpty {
            json.raw(#","warnings":"#)
            json.strings(warnings)
        }
        json.raw("}")
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: json.buffer))
    }
}
