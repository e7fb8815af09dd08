import Foundation
import OspreyModel

/// One entry of `scrape_configs`, in Prometheus's shape. Interval and timeout left out take the
/// `global` ones when the whole config is read (`resolved(with:)`).
public struct ScrapeConfiguration: Codable, Equatable, Sendable {
    public var jobName: String
    public var scrapeInterval: Duration
    public var scrapeTimeout: Duration
    public var metricsPath: String
    public var scheme: String
    public var params: [String: [String]]
    public var staticConfigs: [StaticConfiguration]
    public var fileSDConfigs: [FileSDConfiguration]
    public var honorLabels: Bool
    public var honorTimestamps: Bool
    public var basicAuth: BasicAuth?
    public var authorization: Authorization?
    public var tlsConfig: TLSConfiguration
    /// Most samples a scrape may carry after metric relabelling; 0 is no limit.
    public var sampleLimit: Int
    /// Most bytes of an uncompressed scrape body; 0 is no limit.
    public var bodySizeLimit: Int
    public var relabelConfigs: [RelabelConfiguration]
    public var metricRelabelConfigs: [RelabelConfiguration]

    /// Whether interval and timeout were written (else they follow `global`).
    private var writtenInterval: Duration?
    private var writtenTimeout: Duration?

    public init(
        jobName: String, scrapeInterval: Duration? = nil, scrapeTimeout: Duration? = nil, metricsPath: String = "/metrics",
        scheme: String = "http", params: [String: [String]] = [:], staticConfigs: [StaticConfiguration] = [],
        fileSDConfigs: [FileSDConfiguration] = [], honorLabels: Bool = false, honorTimestamps: Bool = true,
        basicAuth: BasicAuth? = nil, authorization: Authorization? = nil, tlsConfig: TLSConfiguration = TLSConfiguration(),
        sampleLimit: Int = 0, bodySizeLimit: Int = 0, relabelConfigs: [RelabelConfiguration] = [],
        metricRelabelConfigs: [RelabelConfiguration] = []
    ) {
        self.jobName = jobName
        let global = GlobalConfiguration()
        self.scrapeInterval = scrapeInterval ?? global.scrapeInterval
        self.scrapeTimeout = scrapeTimeout ?? min(global.scrapeTimeout, self.scrapeInterval)
        self.writtenInterval = scrapeInterval
        self.writtenTimeout = scrapeTimeout
        self.metricsPath = metricsPath
        self.scheme = scheme
        self.params = params
        self.staticConfigs = staticConfigs
        self.fileSDConfigs = fileSDConfigs
        self.honorLabels = honorLabels
        self.honorTimestamps = honorTimestamps
        self.basicAuth = basicAuth
        self.authorization = authorization
        self.tlsConfig = tlsConfig
        self.sampleLimit = sampleLimit
        self.bodySizeLimit = bodySizeLimit
        self.relabelConfigs = relabelConfigs
        self.metricRelabelConfigs = metricRelabelConfigs
    }

    /// Interval and timeout as Prometheus fills them: unwritten ones from `global`, a timeout
    /// never longer than the interval unless written so (which is an error).
    public func resolved(with global: GlobalConfiguration) -> ScrapeConfiguration {
        var copy = self
        copy.scrapeInterval = writtenInterval ?? global.scrapeInterval
        copy.scrapeTimeout = writtenTimeout ?? min(global.scrapeTimeout, copy.scrapeInterval)
        return copy
    }

    /// What is wrong with the job once resolved, for the config's error list.
    public var problems: [String] {
        var problems: [String] = []
        if scrapeInterval <= .zero { problems.append("scrape_interval must be greater than 0s") }
        if scrapeTimeout <= .zero { problems.append("scrape_timeout must be greater than 0s") }
        if scrapeTimeout > scrapeInterval {
            problems.append(
                "scrape_timeout (\(scrapeTimeout.prometheusString)) is greater than scrape_interval (\(scrapeInterval.prometheusString))")
        }
        if basicAuth != nil, authorization != nil {
            problems.append("at most one of basic_auth, authorization and bearer_token may be set")
        }
        return problems
    }

    enum CodingKeys: String, CodingKey {
        case jobName = "job_name"
        case scrapeInterval = "scrape_interval"
        case scrapeTimeout = "scrape_timeout"
        case metricsPath = "metrics_path"
        case scheme, params
        case staticConfigs = "static_configs"
        case fileSDConfigs = "file_sd_configs"
        case honorLabels = "honor_labels"
        case honorTimestamps = "honor_timestamps"
        case basicAuth = "basic_auth"
        case authorization
        case bearerToken = "bearer_token"
        case bearerTokenFile = "bearer_token_file"
        case tlsConfig = "tls_config"
        case sampleLimit = "sample_limit"
        case bodySizeLimit = "body_size_limit"
        case relabelConfigs = "relabel_configs"
        case metricRelabelConfigs = "metric_relabel_configs"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let jobName = try container.decode(String.self, forKey: .jobName)
        var problems: [String] = []
        let interval = try container.decodeIfPresent(DurationValue.self, forKey: .scrapeInterval)?.duration
        let timeout = try container.decodeIfPresent(DurationValue.self, forKey: .scrapeTimeout)?.duration
        var authorization = try container.decodeIfPresent(Authorization.self, forKey: .authorization)
        authorization = Authorization.merging(
            authorization, bearerToken: try container.decodeIfPresent(String.self, forKey: .bearerToken),
            bearerTokenFile: try container.decodeIfPresent(String.self, forKey: .bearerTokenFile), problems: &problems)
        self.init(
            jobName: jobName, scrapeInterval: interval, scrapeTimeout: timeout,
            metricsPath: try container.decodeIfPresent(String.self, forKey: .metricsPath) ?? "/metrics",
            scheme: try container.decodeIfPresent(String.self, forKey: .scheme) ?? "http",
            params: try container.decodeIfPresent([String: [String]].self, forKey: .params) ?? [:],
            staticConfigs: try container.decodeIfPresent([StaticConfiguration].self, forKey: .staticConfigs) ?? [],
            fileSDConfigs: try container.decodeIfPresent([FileSDConfiguration].self, forKey: .fileSDConfigs) ?? [],
            honorLabels: try container.decodeIfPresent(Bool.self, forKey: .honorLabels) ?? false,
            honorTimestamps: try container.decodeIfPresent(Bool.self, forKey: .honorTimestamps) ?? true,
            basicAuth: try container.decodeIfPresent(BasicAuth.self, forKey: .basicAuth),
            authorization: authorization,
            tlsConfig: try container.decodeIfPresent(TLSConfiguration.self, forKey: .tlsConfig) ?? TLSConfiguration(),
            sampleLimit: try container.decodeIfPresent(Int.self, forKey: .sampleLimit) ?? 0,
            bodySizeLimit: try container.decodeIfPresent(ByteSize.self, forKey: .bodySizeLimit)?.bytes ?? 0,
            relabelConfigs: try container.decodeIfPresent([RelabelConfiguration].self, forKey: .relabelConfigs) ?? [],
            metricRelabelConfigs: try container.decodeIfPresent([RelabelConfiguration].self, forKey: .metricRelabelConfigs)
                ?? [])
        if jobName.isEmpty { problems.append("job_name must not be empty") }
        if !["http", "https"].contains(scheme) { problems.append("scheme must be http or https, not \"\(scheme)\"") }
        if !metricsPath.hasPrefix("/") { problems.append("metrics_path must start with \"/\"") }
        if sampleLimit < 0 { problems.append("sample_limit must not be negative") }
        if bodySizeLimit < 0 { problems.append("body_size_limit must not be negative") }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobName, forKey: .jobName)
        try container.encode(scrapeInterval.prometheusString, forKey: .scrapeInterval)
        try container.encode(scrapeTimeout.prometheusString, forKey: .scrapeTimeout)
        try container.encode(metricsPath, forKey: .metricsPath)
        try container.encode(scheme, forKey: .scheme)
        if !params.isEmpty { try container.encode(params, forKey: .params) }
        if !staticConfigs.isEmpty { try container.encode(staticConfigs, forKey: .staticConfigs) }
        if !fileSDConfigs.isEmpty { try container.encode(fileSDConfigs, forKey: .fileSDConfigs) }
        try container.encode(honorLabels, forKey: .honorLabels)
        try container.encode(honorTimestamps, forKey: .honorTimestamps)
        try container.encodeIfPresent(basicAuth, forKey: .basicAuth)
        try container.encodeIfPresent(authorization, forKey: .authorization)
        try container.encode(tlsConfig, forKey: .tlsConfig)
        try container.encode(sampleLimit, forKey: .sampleLimit)
        try container.encode(bodySizeLimit, forKey: .bodySizeLimit)
        if !relabelConfigs.isEmpty { try container.encode(relabelConfigs, forKey: .relabelConfigs) }
        if !metricRelabelConfigs.isEmpty { try container.encode(metricRelabelConfigs, forKey: .metricRelabelConfigs) }
    }
}

/// `static_configs`: targets written in the config, with labels for all of them.
public struct StaticConfiguration: Codable, Equatable, Sendable {
    public var targets: [String]
    public var labels: [String: String]

    public init(targets: [String], labels: [String: String] = [:]) {
        self.targets = targets
        self.labels = labels
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        targets = try container.decodeIfPresent([String].self, forKey: .targets) ?? []
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        if let bad = labels.keys.sorted().first(where: { !MetricNames.isValidLabelName($0) }) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\"\(bad)\" is not a valid label name"))
        }
    }
}

/// `file_sd_configs`: target files (JSON or YAML lists of `{targets, labels}`), re-read when
/// they change and every `refresh_interval`. The last path element may be a glob (`*.json`).
public struct FileSDConfiguration: Codable, Equatable, Sendable {
    public var files: [String]
    public var refreshInterval: Duration

    public init(files: [String], refreshInterval: Duration = .seconds(300)) {
        self.files = files
        self.refreshInterval = refreshInterval
    }

    enum CodingKeys: String, CodingKey {
        case files
        case refreshInterval = "refresh_interval"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        files = try container.decode([String].self, forKey: .files)
        refreshInterval = try container.decodeIfPresent(DurationValue.self, forKey: .refreshInterval)?.duration ?? .seconds(300)
        let unreadable = files.filter { !($0.hasSuffix(".json") || $0.hasSuffix(".yml") || $0.hasSuffix(".yaml")) }
        if !unreadable.isEmpty {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "file_sd files must end in .json, .yml or .yaml: \(unreadable.joined(separator: ", "))"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(files, forKey: .files)
        try container.encode(refreshInterval.prometheusString, forKey: .refreshInterval)
    }
}
