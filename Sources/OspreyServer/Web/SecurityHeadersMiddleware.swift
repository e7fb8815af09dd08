import Hummingbird

/// The headers that keep the web UI's pages from running anything but the server's own scripts,
/// added to every response (the API's too, so a JSON body opened in a tab is no page either).
///
/// The policy allows scripts, styles and requests from this origin only, no inline script, no
/// plugins, no `<base>` and no framing; images may also come from `data:` (the favicon) and any
/// web address (text panels may show pictures). `nosniff` keeps browsers from reading a body as
/// another type than it is sent as.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String {
        [
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: http: https:",
            "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
        ].joined(separator: "; ")
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return Self.secured(try await next(request, context))
        } catch let error as any HTTPResponseError {
            // Errors become responses here rather than in the server, so they carry the headers too.
            return Self.secured(try error.response(from: request, context: context))
        }
    }

    private static func secured(_ response: Response) -> Response {
        var response = response
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
