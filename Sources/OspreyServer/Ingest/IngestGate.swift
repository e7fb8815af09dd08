import Hummingbird
import OspreyConfig
import OspreyIngest
import OspreyModel

/// What every push goes through: auth, the ingest bulkhead, staging, one commit, and the
/// answers (204, or a 4xx/5xx error envelope).
struct IngestGate: Sendable {
    let config: ConfigStore
    let access: AccessGate
    /// The memory all pushes in flight may hold together.
    let memory: IngestMemory

    init(config: ConfigStore, storage: StorageService) {
        self.config = config
        self.access = AccessGate(.ingest, config: config, storage: storage) { config.current.ingest.maxConcurrent }
        self.memory = IngestMemory { config.current.ingest.maxInflightBytes }
    }

    /// Stages what `parse` reads from the request with the given label overrides and commits it.
    func handle(
        _ request: Request, overrides: [Label] = [],
        _ parse: (inout IngestBatch, Request) async throws -> Void
    ) async throws -> Response {
        try access.authorize(request)
        let target = try access.openStorage()
        let limits = config.current.ingest
        let extra = try Self.extraLabels(request)
        return try await access.limit.withPlace { () async throws -> Response in
            let account = memory.account()
            defer { account.release() }
            var batch = IngestBatch(limits: limits, memory: account, overrides: extra + overrides, appender: target.appender())
            do {
                try await parse(&batch, request)
            } catch {
                batch.rollback()
                if let error = error as? IngestError { throw APIError(error) }
                throw error
            }
            try APIError.answering { () throws(IngestError) in try batch.commit() }
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
