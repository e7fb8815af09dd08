import Hummingbird

/// `/api/v1/status/buildinfo` and `/api/v1/status/config`, in Prometheus's envelope so Grafana and API clients read it.
struct StatusRoutes<Context: RequestContext> {
    let config: ConfigStore

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
        router.get("/api/v1/status/buildinfo") { _, _ in Envelope(data: BuildInfoPayload()) }
        router.get("/api/v1/status/config") { _, _ in Envelope(data: ["yaml": config.current.yaml]) }
    }
}
