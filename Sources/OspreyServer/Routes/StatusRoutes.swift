import Hummingbird

/// `/api/v1/status/buildinfo` and `/api/v1/status/config`, in Prometheus's envelope so Grafana and API clients read it.
/// With `auth.tokens`, both need a `query` token.
struct StatusRoutes<Context: RequestContext> {
    let config: ConfigStore
    let authorizer: Authorizer

    struct Envelope<Payload: Encodable & Sendable>: ResponseEncodable {
        var status = "success"
        var data: Payload
    }

    struct BuildInfoPayload: Encodable, Sendable {
        var version = BuildInfo.version
        var revision = BuildInfo.revision
        var branch = BuildInfo.branch
        var buildUser = "unknown"
        var buildDate = "unknown"
        /// Prometheus names its compiler field after Go; clients expect the key.
        var goVersion = BuildInfo.compilerVersion
    }

    func register(on router: Router<Context>) {
        router.get("/api/v1/status/buildinfo") { request, _ in
            try authorizer.require(.query, for: request)
            return Envelope(data: BuildInfoPayload())
        }
        router.get("/api/v1/status/config") { request, _ in
            try authorizer.require(.query, for: request)
            return Envelope(data: ["yaml": config.current.yaml])
        }
    }
}
