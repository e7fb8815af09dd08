/// One entry of Prometheus's `alertmanagers`: Alertmanagers that get every alert Osprey fires.
public struct AlertingAlertmanagerConfiguration: Codable, Equatable, Sendable {
    public var staticConfigs: [StaticConfiguration]
    public var scheme: String
    /// Prepended to `/api/v2/alerts`.
    public var pathPrefix: String
    public var timeout: Duration
    public var apiVersion: String
    public var basicAuth: BasicAuth?
    /// The `Authorization` header; `bearer_token` and `bearer_token_file` are read into it.
    public var authorization: Authorization?
    public var tlsConfig: TLSConfiguration

    public init(
        staticConfigs: [StaticConfiguration] = [], scheme: String = "http", pathPrefix: String = "/",
        timeout: Duration = .seconds(10), apiVersion: String = "v2", basicAuth: BasicAuth? = nil,
        authorization: Authorization? = nil, tlsConfig: TLSConfiguration = TLSConfiguration()
    ) {
        self.staticConfigs = staticConfigs
        self.scheme = scheme
        self.pathPrefix = pathPrefix
        self.timeout = timeout
        self.apiVersion = apiVersion
        self.basicAuth = basicAuth
        self.authorization = authorization
        self.tlsConfig = tlsConfig
    }

    /// The alerts endpoint of every target: `scheme://target/path_prefix/api/v2/alerts`.
    public var alertsURLs: [String] {
        let prefix = pathPrefix.hasSuffix("/") ? String(pathPrefix.dropLast()) : pathPrefix
        let path = (prefix.hasPrefix("/") || prefix.isEmpty ? prefix : "/" + prefix) + "/api/v2/alerts"
        return staticConfigs.flatMap(\.targets).map { "\(scheme)://\($0)\(path)" }
    }

    enum CodingKeys: String, CodingKey {
        case staticConfigs = "static_configs"
        case scheme
        case pathPrefix = "path_prefix"
        case timeout
        case apiVersion = "api_version"
        case basicAuth = "basic_auth"
        case authorization
        case bearerToken = "bearer_token"
        case bearerTokenFile = "bearer_token_file"
        case tlsConfig = "tls_config"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var problems: [String] = []
        staticConfigs = try container.decodeIfPresent([StaticConfiguration].self, forKey: .staticConfigs) ?? []
        scheme = try container.decodeIfPresent(String.self, forKey: .scheme) ?? "http"
        pathPrefix = try container.decodeIfPresent(String.self, forKey: .pathPrefix) ?? "/"
        timeout = try container.decodeIfPresent(DurationValue.self, forKey: .timeout)?.duration ?? .seconds(10)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "v2"
        basicAuth = try container.decodeIfPresent(BasicAuth.self, forKey: .basicAuth)
        authorization = try container.decodeIfPresent(Authorization.self, forKey: .authorization)
        tlsConfig = try container.decodeIfPresent(TLSConfiguration.self, forKey: .tlsConfig) ?? TLSConfiguration()
        authorization = Authorization.merging(
            authorization, bearerToken: try container.decodeIfPresent(String.self, forKey: .bearerToken),
            bearerTokenFile: try container.decodeIfPresent(String.self, forKey: .bearerTokenFile), problems: &problems)
        if basicAuth != nil, authorization != nil {
            problems.append("at most one of basic_auth, authorization and bearer_token may be set")
        }
        if !["http", "https"].contains(scheme) { problems.append("scheme must be http or https, not \"\(scheme)\"") }
        if apiVersion != "v2" { problems.append("api_version \"\(apiVersion)\" is not supported: only v2 is") }
        if timeout <= .zero { problems.append("timeout must be greater than 0s") }
        if staticConfigs.flatMap(\.targets).isEmpty { problems.append("static_configs must list at least one target") }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(staticConfigs, forKey: .staticConfigs)
        try container.encode(scheme, forKey: .scheme)
        try container.encode(pathPrefix, forKey: .pathPrefix)
        try container.encode(timeout.prometheusString, forKey: .timeout)
        try container.encode(apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(basicAuth, forKey: .basicAuth)
        try container.encodeIfPresent(authorization, forKey: .authorization)
        try container.encode(tlsConfig, forKey: .tlsConfig)
    }
}
