import Foundation
import Hummingbird
import OspreyGoCompat
import OspreyRules

/// Grafana's dashboard API, as far as dashboards go: `GET /api/search`, `GET` and `DELETE
/// /api/dashboards/uid/<uid>`, `POST /api/dashboards/db`, in Grafana's shapes, so scripts and
/// tools written for Grafana manage Osprey's dashboards. Reading needs a `query` token, writing
/// an `admin` one (when auth is on).
struct DashboardRoutes<Context: RequestContext> {
    let dashboards: DashboardService
    let authorizer: Authorizer

    func register(on router: Router<Context>) {
        router.get("/api/search") { request, _ -> Response in
            try authorizer.require(.query, for: request)
            let store = try Self.open(dashboards)
            let query = request.uri.queryParameters.get("query")?.lowercased() ?? ""
            let tags = request.uri.queryParameters.getAll("tag").map { String($0) }
            let found = try store.all().filter { entry in
                (query.isEmpty || entry.document.title.lowercased().contains(query))
                    && tags.allSatisfy(entry.document.tags.contains)
            }
            return Self.json(
                found.enumerated().map { index, entry in
                    [
                        "id": index + 1, "uid": entry.document.uid, "title": entry.document.title,
                        "uri": "db/\(Self.slug(entry.document.title))", "url": Self.url(entry.document),
                        "slug": "", "type": "dash-db", "tags": entry.document.tags, "isStarred": false,
                        "provisioned": entry.provisioned,
                    ] as [String: Any]
                })
        }
        router.get("/api/dashboards/uid/:uid") { request, context -> Response in
            try authorizer.require(.query, for: request)
            let store = try Self.open(dashboards)
            do {
                let entry = try store.entry(uid: context.parameters.get("uid") ?? "")
                let dashboard = (try? JSONSerialization.jsonObject(with: entry.document.json)) ?? [:]
                return Self.json([
                    "dashboard": dashboard,
                    "meta": [
                        "type": "db", "canSave": !entry.provisioned, "canEdit": !entry.provisioned, "canStar": false,
                        "slug": Self.slug(entry.document.title), "url": Self.url(entry.document),
                        "created": Self.time(entry.created), "updated": Self.time(entry.updated),
                        "version": entry.document.version, "provisioned": entry.provisioned,
                        "provisionedExternalId": entry.file.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "",
                    ] as [String: Any],
                ])
            } catch {
                return Self.failure(error)
            }
        }
        router.delete("/api/dashboards/uid/:uid") { request, context -> Response in
            try authorizer.require(.admin, for: request)
            let store = try Self.open(dashboards)
            let uid = context.parameters.get("uid") ?? ""
            do {
                let title = try store.entry(uid: uid).document.title
                try store.delete(uid: uid)
                return Self.json(["title": title, "message": "Dashboard \(title) deleted", "uid": uid])
            } catch {
                return Self.failure(error)
            }
        }
        router.post("/api/dashboards/db") { request, _ -> Response in
            try authorizer.require(.admin, for: request)
            if let refusal = request.jsonBodyRefusal {
                return Self.json(["message": refusal, "status": "unsupported-media-type"], status: .unsupportedMediaType)
            }
            let store = try Self.open(dashboards)
            let body = try await request.body.collect(upTo: 16 << 20)
            guard let payload = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any],
                let object = payload["dashboard"] as? [String: Any]
            else {
                return Self.failure(DashboardError.invalid("the body must be a JSON object with a \"dashboard\" object"))
            }
            do {
                let document = try DashboardDocument(object: object, fallbackUID: DashboardDocument.newUID(), source: "dashboard")
                let saved = try store.save(document, overwrite: payload["overwrite"] as? Bool ?? false)
                return Self.json([
                    "id": 1, "uid": saved.document.uid, "url": Self.url(saved.document), "status": "success",
                    "version": saved.document.version, "slug": Self.slug(saved.document.title),
                ])
            } catch {
                return Self.failure(error)
            }
        }
    }

    private static func open(_ dashboards: DashboardService) throws(APIError) -> DashboardStore {
        guard let store = dashboards.store else { throw .unavailable("dashboards are not loaded yet") }
        return store
    }

    static func url(_ document: DashboardDocument) -> String { "/dashboards/\(document.uid)" }

    /// Grafana's slug: lowercase words joined with hyphens.
    static func slug(_ title: String) -> String {
        title.lowercased().split { !($0.isLetter || $0.isNumber) }.joined(separator: "-")
    }

    private static func time(_ date: Date) -> String { date.rfc3339Millis }

    private static func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Grafana's error shape, `{"message": ..., "status": ...}`, with its status codes.
    private static func failure(_ error: any Error) -> Response {
        guard let error = error as? DashboardError else { return json(["message": "\(error)"], status: .internalServerError) }
        switch error {
        case .invalid: return json(["message": error.description, "status": "invalid"], status: .badRequest)
        case .notFound: return json(["message": error.description, "status": "not-found"], status: .notFound)
        case .provisioned: return json(["message": error.description, "status": "provisioned"], status: .badRequest)
        case .versionMismatch: return json(["message": error.description, "status": "version-mismatch"], status: .preconditionFailed)
        case .storage: return json(["message": error.description], status: .internalServerError)
        }
    }
}
