import Hummingbird
import OspreyConfig
import OspreyStorage

/// What every read of the API goes through: auth (a `query` or `admin` token), the query
/// bulkhead (`query.max_concurrent`, apart from ingest's), the request's form, the open storage.
struct QueryGate: Sendable {
    let config: ConfigStore
    let access: AccessGate
    let queryLog = QueryLog()

    init(config: ConfigStore, storage: StorageService) {
        self.config = config
        self.access = AccessGate(.query, config: config, storage: storage) { config.current.query.maxConcurrent }
    }

    /// What a handler gets once admitted.
    struct Admitted {
        var form: FormValues
        var queryable: any Queryable
        var configuration: QueryConfiguration
        /// `global.evaluation_interval`: the step of subqueries that give none.
        var evaluationInterval: Duration
        /// `global.query_log_file`.
        var queryLogFile: String?
    }

    func handle(_ request: Request, _ body: (Admitted) async throws -> Response) async throws -> Response {
        try access.authorize(request)
        return try await access.limit.withPlace {
            // The form is read holding a place: a body of many match[] is memory too.
            let form = try await FormValues.read(request)
            let queryable = try access.openStorage()
            let current = config.current
            return try await body(
                Admitted(
                    form: form, queryable: queryable, configuration: current.query,
                    evaluationInterval: current.global.evaluationInterval, queryLogFile: current.global.queryLogFile))
        }
    }
}
