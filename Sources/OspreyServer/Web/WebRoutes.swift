import Hummingbird

/// The web UI: one page for every UI path (the script draws the page the path names) and the
/// assets it loads, all compiled into the binary: no files to install, no CDN.
struct WebRoutes<Context: RequestContext> {
    /// The UI's paths; each answers with the same page.
    static var pages: [String] { ["/dashboards", "/dashboards/:uid", "/explore", "/alerts", "/targets", "/probes"] }

    func register(on router: Router<Context>) {
        router.get("/") { _, _ in Response(status: .found, headers: [.location: "/dashboards"]) }
        for page in Self.pages {
            router.get(RouterPath(page)) { _, _ in Self.asset(WebAsset.page) }
        }
        router.get("/assets/:name") { _, context -> Response in
            guard let name = context.parameters.get("name"), let asset = WebAsset.named(name) else {
                return Response(status: .notFound)
            }
            return Self.asset(asset)
        }
    }

    private static func asset(_ asset: WebAsset) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}

/// A file of the UI, embedded at build time.
struct WebAsset: Sendable {
    let bytes: [UInt8]
    let contentType: String

    static let page = WebAsset(bytes: PackageResources.index_html, contentType: "text/html; charset=utf-8")

    static func named(_ name: String) -> WebAsset? {
        switch name {
        case "app.js": WebAsset(bytes: PackageResources.app_js, contentType: "text/javascript; charset=utf-8")
        case "app.css": WebAsset(bytes: PackageResources.app_css, contentType: "text/css; charset=utf-8")
        case "api.js": WebAsset(bytes: PackageResources.api_js, contentType: "text/javascript; charset=utf-8")
        case "format.js": WebAsset(bytes: PackageResources.format_js, contentType: "text/javascript; charset=utf-8")
        case "ui.js": WebAsset(bytes: PackageResources.ui_js, contentType: "text/javascript; charset=utf-8")
        case "chart.js": WebAsset(bytes: PackageResources.chart_js, contentType: "text/javascript; charset=utf-8")
        case "panels.js": WebAsset(bytes: PackageResources.panels_js, contentType: "text/javascript; charset=utf-8")
        case "dashboard.js": WebAsset(bytes: PackageResources.dashboard_js, contentType: "text/javascript; charset=utf-8")
        case "pages.js": WebAsset(bytes: PackageResources.pages_js, contentType: "text/javascript; charset=utf-8")
        case "richtext.js": WebAsset(bytes: PackageResources.richtext_js, contentType: "text/javascript; charset=utf-8")
        default: nil
        }
    }
}
