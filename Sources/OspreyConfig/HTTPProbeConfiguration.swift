import OspreyModel

/// The `http:` block of a blackbox exporter module, with the same keys and defaults so a module
/// pasted from a blackbox config works. Blackbox inlines its `http_client_config` here, so
/// `basic_auth`, `authorization`, `bearer_token`, `tls_config`, `follow_redirects` and
/// `enable_http2` are read at this level too.
public struct HTTPProbeConfiguration: Codable, Equatable, Sendable {
    /// Status codes that pass; empty means any 2xx.
    public var validStatusCodes: [Int]
    /// Versions that pass, written as `HTTP/1.1`; empty means any.
    public var validHTTPVersions: [String]
    public var method: String
    public var headers: [String: String]
    public var body: String?
    public var followRedirects: Bool
    public var failIfSSL: Bool
    public var failIfNotSSL: Bool
    public var failIfBodyMatchesRegexp: [String]
    public var failIfBodyNotMatchesRegexp: [String]
    public var failIfHeaderMatches: [ProbeHeaderMatch]
    public var failIfHeaderNotMatches: [ProbeHeaderMatch]
    public var tlsConfig: TLSConfiguration
    public var basicAuth: BasicAuth?
    public var authorization: Authorization?
    public var preferredIPProtocol: ProbeIPProtocol
    public var ipProtocolFallback: Bool
    /// Read for compatibility; the prober speaks HTTP/1.1 either way.
    public var enableHTTP2: Bool
    /// Most bytes of body read; 0 is no limit. A larger body fails the probe.
    public var bodySizeLimit: Int

    public init(
        validStatusCodes: [Int] = [], validHTTPVersions: [String] = [], method: String = "GET", headers: [String: String] = [:],
        body: String? = nil, followRedirects: Bool = true, failIfSSL: Bool = false, failIfNotSSL: Bool = false,
        failIfBodyMatchesRegexp: [String] = [], failIfBodyNotMatchesRegexp: [String] = [],
        failIfHeaderMatches: [ProbeHeaderMatch] = [], failIfHeaderNotMatches: [ProbeHeaderMatch] = [],
        tlsConfig: TLSConfiguration = TLSConfiguration(), basicAuth: BasicAuth? = nil, authorization: Authorization? = nil,
        preferredIPProtocol: ProbeIPProtocol = .ip6, ipProtocolFallback: Bool = true, enableHTTP2: Bool = true,
        bodySizeLimit: Int = 0
    ) {
        self.validStatusCodes = validStatusCodes
        self.validHTTPVersions = validHTTPVersions
        self.method = method
        self.headers = headers
        self.body = body
        self.followRedirects = followRedirects
        self.failIfSSL = failIfSSL
        self.failIfNotSSL = failIfNotSSL
        self.failIfBodyMatchesRegexp = failIfBodyMatchesRegexp
        self.failIfBodyNotMatchesRegexp = failIfBodyNotMatchesRegexp
        self.failIfHeaderMatches = failIfHeaderMatches
        self.failIfHeaderNotMatches = failIfHeaderNotMatches
        self.tlsConfig = tlsConfig
        self.basicAuth = basicAuth
        self.authorization = authorization
        self.preferredIPProtocol = preferredIPProtocol
        self.ipProtocolFallback = ipProtocolFallback
        self.enableHTTP2 = enableHTTP2
        self.bodySizeLimit = bodySizeLimit
    }

    /// Whether `code` passes: listed in `valid_status_codes`, or 2xx when none are listed.
    public func isValidStatus(_ code: Int) -> Bool {
        validStatusCodes.isEmpty ? (200...299).contains(code) : validStatusCodes.contains(code)
    }

    enum CodingKeys: String, CodingKey {
        case validStatusCodes = "valid_status_codes"
        case validHTTPVersions = "valid_http_versions"
        case method, headers, body
        case noFollowRedirects = "no_follow_redirects"
        case followRedirects = "follow_redirects"
        case failIfSSL = "fail_if_ssl"
        case failIfNotSSL = "fail_if_not_ssl"
        case failIfBodyMatchesRegexp = "fail_if_body_matches_regexp"
        case failIfBodyNotMatchesRegexp = "fail_if_body_not_matches_regexp"
        case failIfHeaderMatches = "fail_if_header_matches"
        case failIfHeaderNotMatches = "fail_if_header_not_matches"
        case tlsConfig = "tls_config"
        case basicAuth = "basic_auth"
        case authorization
        case bearerToken = "bearer_token"
        case bearerTokenFile = "bearer_token_file"
        case preferredIPProtocol = "preferred_ip_protocol"
        case ipProtocolFallback = "ip_protocol_fallback"
        case enableHTTP2 = "enable_http2"
        case bodySizeLimit = "body_size_limit"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var problems: [String] = []
        let noFollow = try container.decodeIfPresent(Bool.self, forKey: .noFollowRedirects)
        let follow = try container.decodeIfPresent(Bool.self, forKey: .followRedirects)
        if let noFollow, let follow, noFollow == follow {
            problems.append("no_follow_redirects and follow_redirects contradict each other")
        }
        var authorization = try container.decodeIfPresent(Authorization.self, forKey: .authorization)
        authorization = Authorization.merging(
            authorization, bearerToken: try container.decodeIfPresent(String.self, forKey: .bearerToken),
            bearerTokenFile: try container.decodeIfPresent(String.self, forKey: .bearerTokenFile), problems: &problems)
        self.init(
            validStatusCodes: try container.decodeIfPresent([Int].self, forKey: .validStatusCodes) ?? [],
            validHTTPVersions: try container.decodeIfPresent([String].self, forKey: .validHTTPVersions) ?? [],
            method: try container.decodeIfPresent(String.self, forKey: .method) ?? "GET",
            headers: try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
            body: try container.decodeIfPresent(String.self, forKey: .body),
            followRedirects: follow ?? !(noFollow ?? false),
            failIfSSL: try container.decodeIfPresent(Bool.self, forKey: .failIfSSL) ?? false,
            failIfNotSSL: try container.decodeIfPresent(Bool.self, forKey: .failIfNotSSL) ?? false,
            failIfBodyMatchesRegexp: try container.decodeIfPresent([String].self, forKey: .failIfBodyMatchesRegexp) ?? [],
            failIfBodyNotMatchesRegexp: try container.decodeIfPresent([String].self, forKey: .failIfBodyNotMatchesRegexp) ?? [],
            failIfHeaderMatches: try container.decodeIfPresent([ProbeHeaderMatch].self, forKey: .failIfHeaderMatches) ?? [],
            failIfHeaderNotMatches: try container.decodeIfPresent([ProbeHeaderMatch].self, forKey: .failIfHeaderNotMatches) ?? [],
            tlsConfig: try container.decodeIfPresent(TLSConfiguration.self, forKey: .tlsConfig) ?? TLSConfiguration(),
            basicAuth: try container.decodeIfPresent(BasicAuth.self, forKey: .basicAuth),
            authorization: authorization,
            preferredIPProtocol: try container.decodeIfPresent(ProbeIPProtocol.self, forKey: .preferredIPProtocol) ?? .ip6,
            ipProtocolFallback: try container.decodeIfPresent(Bool.self, forKey: .ipProtocolFallback) ?? true,
            enableHTTP2: try container.decodeIfPresent(Bool.self, forKey: .enableHTTP2) ?? true,
            bodySizeLimit: try container.decodeIfPresent(ByteSize.self, forKey: .bodySizeLimit)?.bytes ?? 0)
        if let bad = validStatusCodes.first(where: { !(100...599).contains($0) }) {
            problems.append("valid_status_codes: \(bad) is not an HTTP status code")
        }
        let versions = ["HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/2.0", "HTTP/3", "HTTP/3.0"]
        if let bad = validHTTPVersions.first(where: { !versions.contains($0) }) {
            problems.append("valid_http_versions: \"\(bad)\" is not one of \(versions.joined(separator: ", "))")
        }
        if method.isEmpty || method.contains(where: { $0 == " " || !$0.isASCII }) {
            problems.append("method \"\(method)\" is not an HTTP method")
        }
        if failIfSSL, failIfNotSSL { problems.append("fail_if_ssl and fail_if_not_ssl cannot both be true") }
        if basicAuth != nil, authorization != nil {
            problems.append("at most one of basic_auth, authorization and bearer_token may be set")
        }
        if bodySizeLimit < 0 { problems.append("body_size_limit must not be negative") }
        if let invalid = ProbeRegex.firstInvalid(failIfBodyMatchesRegexp + failIfBodyNotMatchesRegexp) {
            problems.append(invalid)
        }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !validStatusCodes.isEmpty { try container.encode(validStatusCodes, forKey: .validStatusCodes) }
        if !validHTTPVersions.isEmpty { try container.encode(validHTTPVersions, forKey: .validHTTPVersions) }
        try container.encode(method, forKey: .method)
        // Header values are shown as `<secret>`, as Prometheus shows its `http_headers`: an API key
        // or a token travels in any header name.
        if !headers.isEmpty { try container.encode(headers.mapValues { _ in "<secret>" }, forKey: .headers) }
        try container.encodeIfPresent(body, forKey: .body)
        try container.encode(followRedirects, forKey: .followRedirects)
        try container.encode(failIfSSL, forKey: .failIfSSL)
        try container.encode(failIfNotSSL, forKey: .failIfNotSSL)
        if !failIfBodyMatchesRegexp.isEmpty { try container.encode(failIfBodyMatchesRegexp, forKey: .failIfBodyMatchesRegexp) }
        if !failIfBodyNotMatchesRegexp.isEmpty {
            try container.encode(failIfBodyNotMatchesRegexp, forKey: .failIfBodyNotMatchesRegexp)
        }
        if !failIfHeaderMatches.isEmpty { try container.encode(failIfHeaderMatches, forKey: .failIfHeaderMatches) }
        if !failIfHeaderNotMatches.isEmpty { try container.encode(failIfHeaderNotMatches, forKey: .failIfHeaderNotMatches) }
        try container.encode(tlsConfig, forKey: .tlsConfig)
        try container.encodeIfPresent(basicAuth, forKey: .basicAuth)
        try container.encodeIfPresent(authorization, forKey: .authorization)
        try container.encode(preferredIPProtocol, forKey: .preferredIPProtocol)
        try container.encode(ipProtocolFallback, forKey: .ipProtocolFallback)
        try container.encode(enableHTTP2, forKey: .enableHTTP2)
        try container.encode(bodySizeLimit, forKey: .bodySizeLimit)
    }
}
