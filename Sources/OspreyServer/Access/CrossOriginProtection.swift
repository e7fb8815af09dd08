import HTTPTypes
import Hummingbird

/// Refuses state-changing requests a browser sends on behalf of another site, so that with auth
/// off (the default) a web page cannot push, save a dashboard, silence alerts or reload the config
/// through a visitor's browser. Decided as Go 1.25's `net/http.CrossOriginProtection` decides:
/// GET, HEAD and OPTIONS always pass; otherwise `Sec-Fetch-Site` (sent by every browser since
/// 2023) must be `same-origin` or `none` (typed in or a bookmark), so `cross-site` and `same-site`
/// are refused; without it, an `Origin` must name this server's own host and port. A request with
/// neither header comes from no browser (curl, the agent, SDKs, Prometheus remote clients) and passes.
struct CrossOriginProtection<Context: RequestContext>: RouterMiddleware {
    static var secFetchSite: HTTPField.Name { HTTPField.Name("Sec-Fetch-Site")! }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let refusal = Self.refusal(of: request) { throw refusal }
        return try await next(request, context)
    }

    /// Why `request` is refused, or nil when it may go on.
    static func refusal(of request: Request) -> APIError? {
        switch request.method {
        case .get, .head, .options: return nil
        default: break
        }
        if let site = request.headers[secFetchSite] {
            switch site.lowercased() {
            case "same-origin", "none": return nil
            default:
                return .forbidden(
                    "cross-origin \(request.method) refused: the browser says it comes from another site (Sec-Fetch-Site: \(site))")
            }
        }
        guard let origin = request.headers[.origin] else { return nil }
        let host = request.head.authority ?? ""
        if let originHost = Self.host(ofOrigin: origin), !host.isEmpty, originHost == host.lowercased() {
            return nil
        }
        return .forbidden("cross-origin \(request.method) refused: Origin \(origin) is not this server (\(host))")
    }

    /// `host[:port]` of an Origin (`scheme://host[:port]`), lowercased; nil for `null` or anything
    /// that is not an origin.
    static func host(ofOrigin origin: String) -> String? {
        guard let separator = origin.range(of: "://") else { return nil }
        let host = origin[separator.upperBound...]
        guard !host.isEmpty, !host.contains("/") else { return nil }
        return host.lowercased()
    }
}
