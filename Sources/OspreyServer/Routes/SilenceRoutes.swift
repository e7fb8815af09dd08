import Foundation
import Hummingbird
import OspreyNotification
import OspreyRules

/// Alertmanager's silence API v2: `GET/POST /api/v2/silences`, `GET/DELETE
/// /api/v2/silence/{silenceID}`, with its JSON shapes, so amtool and Grafana can manage silences.
/// Errors are answered as Alertmanager answers them: a JSON string naming the problem.
/// With `auth.tokens`, listing needs a `query` token and creating or expiring an `admin` one:
/// a silence stops notifications, so it is a change to how the server behaves.
struct SilenceRoutes {
    /// The store, or nil while the data folder is not open yet (then 503).
    let store: @Sendable () -> SilenceStore?
    let authorizer: Authorizer
    /// The largest silence body accepted.
    static let bodyLimit = 1 << 20

    init(store: @escaping @Sendable () -> SilenceStore?, authorizer: Authorizer) {
        self.store = store
        self.authorizer = authorizer
    }

    func register(on router: Router<OspreyRequestContext>) {
        router.get("/api/v2/silences") { request, _ -> Response in
            try authorizer.require(.query, for: request)
            let store = try self.available()
            let filter: SilenceFilter
            do throws(SilenceError) {
                filter = try SilenceFilter(parsing: request.uri.queryParameters.getAll("filter").map { String($0) })
            } catch {
                return Self.error(error)
            }
            let now = Date()
            return try Self.json(store.list(filter: filter, at: now).map { GettableSilence($0, at: now) })
        }
        router.post("/api/v2/silences") { request, _ -> Response in
            try authorizer.require(.admin, for: request)
            if let refusal = request.jsonBodyRefusal { return try Self.json(refusal, status: .unsupportedMediaType) }
            let store = try self.available()
            let body = try await request.body.collect(upTo: Self.bodyLimit)
            let id: String
            do throws(SilenceError) {
                id = try await store.save(try PostableSilence(json: Data(body.readableBytesView)))
            } catch {
                return Self.error(error)
            }
            return try Self.json(["silenceID": id])
        }
        router.get("/api/v2/silence/{silenceID}") { request, context -> Response in
            try authorizer.require(.query, for: request)
            let store = try self.available()
            let silence: Silence
            do throws(SilenceError) {
                silence = try store.silence(id: context.parameters.get("silenceID") ?? "")
            } catch {
                return Self.error(error)
            }
            return try Self.json(GettableSilence(silence, at: Date()))
        }
        router.delete("/api/v2/silence/{silenceID}") { request, context -> Response in
            try authorizer.require(.admin, for: request)
            let store = try self.available()
            do throws(SilenceError) {
                try await store.expire(id: context.parameters.get("silenceID") ?? "")
                return Response(status: .ok)
            } catch {
                return Self.error(error)
            }
        }
    }

    private func available() throws -> SilenceStore {
        guard let store = store() else {
            throw HTTPError(.serviceUnavailable, message: "silences are not available yet: storage is starting")
        }
        return store
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// 400 for bad input (including expiring an expired silence, where Alertmanager answers
    /// 500), 404 for an unknown id, 500 when the database failed.
    private static func error(_ error: SilenceError) -> Response {
        let status: HTTPResponse.Status =
            switch error {
            case .invalid, .alreadyExpired: .badRequest
            case .notFound: .notFound
            case .storage: .internalServerError
            }
        return (try? json(error.description, status: status)) ?? Response(status: status)
    }
}
