import Hummingbird
import OspreyConfig
import OspreyModel
import OspreyStorage

/// What every push goes through: auth, the ingest bulkhead, staging, one commit, and the
/// answers (204, or a 4xx/5xx error envelope).
struct IngestGate: Sendable {
    let config: ConfigStore
    let storage: StorageService
    let limit: ConcurrencyLimit
    let authorizer: Authorizer

    init(config: ConfigStore, storage: StorageService) {
        self.config = config
        self.storage = storage
        self.limit = ConcurrencyLimit("ingest") { config.current.ingest.maxConcurrent }
        self.authorizer = Authorizer(config: config)
    }

    /// Stages what `parse` reads from the request with the given label overrides and commits it.
    func handle(
        _ request: Request, overrides: [Label] = [],
        _ parse: (inout IngestBatch, Request) async throws -> Void
    ) async throws -> Response {
        try authorizer.require(.ingest, for: request)
        guard let target = storage.opened?.storage else { throw APIError.unavailable("storage is not open yet") }
        let limits = config.current.ingest
        let extra = try Self.extraLabels(request)
        return try await limit.withPlace { () async throws -> Response in
            var batch = IngestBatch(limits: limits, overrides: extra + overrides)
            do {
                try await parse(&batch, request)
            } catch let error as APIError {
                throw error
            } catch let error as Inflater.InflateError {
                throw APIError.badData(error.description)
            }
            try batch.commit(to: target)
            return Response(status: .noContent)
        }
    }

    /// `extra_label=name=value` query parameters, as VictoriaMetrics takes them.
    private static func extraLabels(_ request: Request) throws(APIError) -> [Label] {
        try request.uri.queryParameters.getAll("extra_label").map { parameter throws(APIError) in
            let text = String(parameter)
            guard let equals = text.firstIndex(of: "="), MetricNames.isValidLabelName(text[..<equals]) else {
                throw .badData("extra_label \"\(text)\" is not name=value")
            }
            return Label(String(text[..<equals]), String(text[text.index(after: equals)...]))
        }
    }
}
