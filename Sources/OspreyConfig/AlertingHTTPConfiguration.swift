/// `http_config` of a webhook: how Osprey authenticates to it and checks its certificate.
public struct AlertingHTTPConfiguration: Codable, Equatable, Sendable {
    /// The `Authorization` header; `bearer_token` and `bearer_token_file` are read into it.
    public var authorization: Authorization?
    public var basicAuth: BasicAuth?
    public var tlsConfig: TLSConfiguration

    public init(authorization: Authorization? = nil, basicAuth: BasicAuth? = nil, tlsConfig: TLSConfiguration = TLSConfiguration()) {
        self.authorization = authorization
        self.basicAuth = basicAuth
        self.tlsConfig = tlsConfig
    }

    enum CodingKeys: String, CodingKey {
        case authorization
        case basicAuth = "basic_auth"
        case bearerToken = "bearer_token"
        case bearerTokenFile = "bearer_token_file"
        case tlsConfig = "tls_config"
        case oauth2
        case proxyURL = "proxy_url"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var problems: [String] = []
        for key in [CodingKeys.oauth2, .proxyURL] where container.contains(key) {
            problems.append("\(key.stringValue) is not supported by Osprey")
        }
        authorization = try container.decodeIfPresent(Authorization.self, forKey: .authorization)
        basicAuth = try container.decodeIfPresent(BasicAuth.self, forKey: .basicAuth)
        tlsConfig = try container.decodeIfPresent(TLSConfiguration.self, forKey: .tlsConfig) ?? TLSConfiguration()
        authorization = Authorization.merging(
            authorization, bearerToken: try container.decodeIfPresent(String.self, forKey: .bearerToken),
            bearerTokenFile: try container.decodeIfPresent(String.self, forKey: .bearerTokenFile), problems: &problems)
        if basicAuth != nil, authorization != nil {
            problems.append("at most one of basic_auth, authorization and bearer_token may be set")
        }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(authorization, forKey: .authorization)
        try container.encodeIfPresent(basicAuth, forKey: .basicAuth)
        try container.encode(tlsConfig, forKey: .tlsConfig)
    }
}
