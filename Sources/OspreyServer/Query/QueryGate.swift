import Hummingbird
import OspreyConfig
import OspreyStorage

/// What every read of the API goes through: auth (a `query` or `admin` token), the query
/// bulkhead (`query.max_concurrent`, apart from ingest's), the request's form, the open storage.
struct QueryGate: Sendable {
    let config: ConfigStore
    let storage: StorageService
    let limit: ConcurrencyLimit
    let authorizer: Authorizer

    init(config: ConfigStore, storage: StorageService) {
        self.config = config
        self.storage = storage
        self.limit = ConcurrencyLimit("query") { config.current.query.maxConcurrent }
        self.authorizer = Authorizer(config: config)
    }

    /// What a handler gets once admitted.
    struct Admitted {
        var form: FormValues
        var queryable: any Queryable
        var configuration: QueryConfiguration
    }

    func handle(_ request: Request, _ body: (Admitted) async throws -> Response) async throws -> Response {
        try authorizer.require(.query, for: request)
        return try await limit.withPlace {
            // The form is read holding a place: a body of many match[] is memory too.
            let form = try await FormValues.read(request)
            guard let queryable = storage.opened?.storage else { throw APIError.unavailable("storage is not open yet") }
            return try await body(Admitted(form: form, queryable: queryable, configuration: config.current.query))
        }
    }
}
