import OspreyModel

/// `ingest:`: what one push may carry and how many may run at once.
public struct IngestConfiguration: Codable, Equatable, Sendable {
    /// Largest request body, counted after decompression; larger ones get 413.
    public var maxBodyBytes: Int
    /// Most samples one request may carry; more gets 413.
    public var maxSamplesPerRequest: Int
    public var maxLabelsPerSeries: Int
    public var maxLabelNameLength: Int
    public var maxLabelValueLength: Int
    /// Pushes handled at once; beyond that a push gets 429 with Retry-After.
    public var maxConcurrent: Int
    /// Memory all pushes in flight may hold together (body read and not yet parsed, staged
    /// samples); a push that would go over gets 503 with Retry-After and nothing stored.
    public var maxInflightBytes: Int

    public init(
        maxBodyBytes: Int = 1 << 30, maxSamplesPerRequest: Int = 50_000_000, maxLabelsPerSeries: Int = 64,
        maxLabelNameLength: Int = 256, maxLabelValueLength: Int = 4096, maxConcurrent: Int = 8,
        maxInflightBytes: Int = 128 << 20
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxSamplesPerRequest = maxSamplesPerRequest
        self.maxLabelsPerSeries = maxLabelsPerSeries
        self.maxLabelNameLength = maxLabelNameLength
        self.maxLabelValueLength = maxLabelValueLength
        self.maxConcurrent = maxConcurrent
        self.maxInflightBytes = maxInflightBytes
    }

    enum CodingKeys: String, CodingKey {
        case maxBodyBytes = "max_body_bytes"
        case maxSamplesPerRequest = "max_samples_per_request"
        case maxLabelsPerSeries = "max_labels_per_series"
        case maxLabelNameLength = "max_label_name_length"
        case maxLabelValueLength = "max_label_value_length"
        case maxConcurrent = "max_concurrent"
        case maxInflightBytes = "max_inflight_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let defaults = IngestConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxBodyBytes = try container.decodeIfPresent(Int.self, forKey: .maxBodyBytes) ?? defaults.maxBodyBytes
        maxSamplesPerRequest = try container.decodeIfPresent(Int.self, forKey: .maxSamplesPerRequest) ?? defaults.maxSamplesPerRequest
        maxLabelsPerSeries = try container.decodeIfPresent(Int.self, forKey: .maxLabelsPerSeries) ?? defaults.maxLabelsPerSeries
        maxLabelNameLength = try container.decodeIfPresent(Int.self, forKey: .maxLabelNameLength) ?? defaults.maxLabelNameLength
        maxLabelValueLength = try container.decodeIfPresent(Int.self, forKey: .maxLabelValueLength) ?? defaults.maxLabelValueLength
        maxConcurrent = try container.decodeIfPresent(Int.self, forKey: .maxConcurrent) ?? defaults.maxConcurrent
        maxInflightBytes = try container.decodeIfPresent(Int.self, forKey: .maxInflightBytes) ?? defaults.maxInflightBytes
        let positive: [(String, Int)] = [
            ("max_body_bytes", maxBodyBytes), ("max_samples_per_request", maxSamplesPerRequest),
            ("max_labels_per_series", maxLabelsPerSeries), ("max_label_name_length", maxLabelNameLength),
            ("max_label_value_length", maxLabelValueLength), ("max_concurrent", maxConcurrent),
            ("max_inflight_bytes", maxInflightBytes),
        ]
        let problems = positive.filter { $0.1 < 1 }.map { "\($0.0) must be at least 1" }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }
}

/// `query:`: how many queries may run at once (apart from ingest, so neither starves the other)
/// and what one query may cost. Names and defaults follow Prometheus's `--query.*` flags.
public struct QueryConfiguration: Codable, Equatable, Sendable {
    /// Queries handled at once; beyond that a query gets 429 with Retry-After.
    public var maxConcurrent: Int
    /// How long one query may evaluate before it is abandoned with a `timeout` error.
    public var timeout: Duration
    /// Most samples one query may hold in memory at once; more fails the query.
    public var maxSamples: Int
    /// How far back an instant selector looks for a series' latest sample.
    public var lookbackDelta: Duration

    public init(
        maxConcurrent: Int = 16, timeout: Duration = .seconds(120), maxSamples: Int = 50_000_000,
        lookbackDelta: Duration = .seconds(300)
    ) {
        self.maxConcurrent = maxConcurrent
        self.timeout = timeout
        self.maxSamples = maxSamples
        self.lookbackDelta = lookbackDelta
    }

    enum CodingKeys: String, CodingKey {
        case maxConcurrent = "max_concurrent"
        case timeout
        case maxSamples = "max_samples"
        case lookbackDelta = "lookback_delta"
    }

    public init(from decoder: any Decoder) throws {
        let defaults = QueryConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxConcurrent = try container.decodeIfPresent(Int.self, forKey: .maxConcurrent) ?? defaults.maxConcurrent
        timeout = try container.decodeIfPresent(DurationValue.self, forKey: .timeout)?.duration ?? defaults.timeout
        maxSamples = try container.decodeIfPresent(Int.self, forKey: .maxSamples) ?? defaults.maxSamples
        lookbackDelta =
            try container.decodeIfPresent(DurationValue.self, forKey: .lookbackDelta)?.duration
            ?? defaults.lookbackDelta
        var problems: [String] = []
        if maxConcurrent < 1 { problems.append("max_concurrent must be at least 1") }
        if maxSamples < 1 { problems.append("max_samples must be at least 1") }
        // Prometheus's own floor: evaluation works in milliseconds.
        if timeout < .milliseconds(1) { problems.append("timeout must be at least 1ms") }
        if lookbackDelta < .milliseconds(1) { problems.append("lookback_delta must be at least 1ms") }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(maxConcurrent, forKey: .maxConcurrent)
        try container.encode(timeout.prometheusString, forKey: .timeout)
        try container.encode(maxSamples, forKey: .maxSamples)
        try container.encode(lookbackDelta.prometheusString, forKey: .lookbackDelta)
    }
}

/// `auth:`: bearer tokens and what each may do. With none configured, every endpoint is open.
public struct AuthConfiguration: Codable, Equatable, Sendable {
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// May push samples.
        case ingest
        /// May read.
        case query
        /// May do everything.
        case admin
    }

    public struct Token: Codable, Equatable, Sendable {
        /// A name for logs and errors; the secret itself is never logged.
        public var name: String
        public var token: String
        public var role: Role

        public init(name: String, token: String, role: Role) {
            self.name = name
            self.token = token
            self.role = role
        }

        enum CodingKeys: String, CodingKey {
            case name, token, role
        }

        /// Shown as `<secret>`, as Prometheus shows secrets in its config page.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode("<secret>", forKey: .token)
            try container.encode(role, forKey: .role)
        }
    }

    public var tokens: [Token]

    public init(tokens: [Token] = []) {
        self.tokens = tokens
    }

    enum CodingKeys: String, CodingKey {
        case tokens
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tokens = try container.decodeIfPresent([Token].self, forKey: .tokens) ?? []
        if tokens.contains(where: { $0.token.count < 16 }) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "tokens must be at least 16 characters long"))
        }
    }
}
