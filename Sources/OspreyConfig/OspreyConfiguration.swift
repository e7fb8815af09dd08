import OspreyModel
import Yams

/// The whole of `osprey.yml`. Keys and defaults follow Prometheus where Prometheus has the concept.
public struct OspreyConfiguration: Codable, Equatable, Sendable {
    public var global: GlobalConfiguration
    public var storage: StorageConfiguration
    public var ingest: IngestConfiguration
    public var query: QueryConfiguration
    public var auth: AuthConfiguration
    /// The scrape jobs, interval and timeout filled from `global` where a job leaves them out.
    public var scrapeConfigs: [ScrapeConfiguration]
    /// Rule file paths and globs, as written (relative ones are taken from the config file's folder).
    public var ruleFiles: [String]
    /// Notification routes, receivers and Alertmanagers.
    public var alerting: AlertingConfiguration
    /// Probe modules by name, in the shape of blackbox exporter's `modules`.
    public var probeModules: [String: ProbeModuleConfiguration]
    /// Probe jobs, their interval filled from `global.scrape_interval` where they leave it out,
    /// and the bound on probes in flight.
    public var probes: ProbesConfiguration
    public var dashboards: DashboardsConfiguration

    /// What `osprey server` runs on when given no config file.
    public static let embeddedDefault = OspreyConfiguration()

    public init(
        global: GlobalConfiguration = GlobalConfiguration(), storage: StorageConfiguration = StorageConfiguration(),
        ingest: IngestConfiguration = IngestConfiguration(), query: QueryConfiguration = QueryConfiguration(),
        auth: AuthConfiguration = AuthConfiguration(), scrapeConfigs: [ScrapeConfiguration] = [],
        ruleFiles: [String] = [], alerting: AlertingConfiguration = AlertingConfiguration(),
        probeModules: [String: ProbeModuleConfiguration] = [:], probes: ProbesConfiguration = ProbesConfiguration(),
        dashboards: DashboardsConfiguration = DashboardsConfiguration()
    ) {
        self.global = global
        self.storage = storage
        self.ingest = ingest
        self.query = query
        self.auth = auth
        self.scrapeConfigs = scrapeConfigs.map { $0.resolved(with: global) }
        self.ruleFiles = ruleFiles
        self.alerting = alerting
        self.probeModules = probeModules
        self.probes = probes.resolved(with: global)
        self.dashboards = dashboards
    }

    enum CodingKeys: String, CodingKey {
        case global, storage, ingest, query, auth
        case scrapeConfigs = "scrape_configs"
        case ruleFiles = "rule_files"
        case alerting
        case probeModules = "probe_modules"
        case probes
        case dashboards
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        global = try container.decodeIfPresent(GlobalConfiguration.self, forKey: .global) ?? GlobalConfiguration()
        storage = try container.decodeIfPresent(StorageConfiguration.self, forKey: .storage) ?? StorageConfiguration()
        ingest = try container.decodeIfPresent(IngestConfiguration.self, forKey: .ingest) ?? IngestConfiguration()
        query = try container.decodeIfPresent(QueryConfiguration.self, forKey: .query) ?? QueryConfiguration()
        auth = try container.decodeIfPresent(AuthConfiguration.self, forKey: .auth) ?? AuthConfiguration()
        let global = self.global
        scrapeConfigs = (try container.decodeIfPresent([ScrapeConfiguration].self, forKey: .scrapeConfigs) ?? [])
            .map { $0.resolved(with: global) }
        ruleFiles = try container.decodeIfPresent([String].self, forKey: .ruleFiles) ?? []
        alerting = try container.decodeIfPresent(AlertingConfiguration.self, forKey: .alerting) ?? AlertingConfiguration()
        probeModules = try container.decodeIfPresent([String: ProbeModuleConfiguration].self, forKey: .probeModules) ?? [:]
        probes = (try container.decodeIfPresent(ProbesConfiguration.self, forKey: .probes) ?? ProbesConfiguration()).resolved(with: global)
        dashboards = try container.decodeIfPresent(DashboardsConfiguration.self, forKey: .dashboards) ?? DashboardsConfiguration()
        var problems: [String] = []
        var seen: Set<String> = []
        for job in scrapeConfigs {
            if !seen.insert(job.jobName).inserted { problems.append("scrape_configs: job_name \"\(job.jobName)\" is used twice") }
            problems += job.problems.map { "scrape_configs: job \"\(job.jobName)\": \($0)" }
        }
        var probeJobs: Set<String> = []
        for job in probes.jobs {
            if !probeJobs.insert(job.jobName).inserted { problems.append("probes: job_name \"\(job.jobName)\" is used twice") }
            if BuiltInProbeModules.module(named: job.module, in: probeModules) == nil {
                problems.append("probes: job \"\(job.jobName)\": module \"\(job.module)\" is not in probe_modules")
            }
        }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    /// The config in force in YAML, every default spelled out, as Prometheus's
    /// `/api/v1/status/config` shows it.
    public var yaml: String {
        (try? YAMLEncoder().encode(self)) ?? ""
    }
}

/// Settings every part falls back to: `global:` in Prometheus's config.
public struct GlobalConfiguration: Codable, Equatable, Sendable {
    /// How often targets are scraped.
    public var scrapeInterval: Duration
    /// How long a scrape may take before it is abandoned; at most `scrapeInterval`.
    public var scrapeTimeout: Duration
    /// How often rules are evaluated.
    public var evaluationInterval: Duration
    /// Labels added to every series and alert that leaves Osprey.
    public var externalLabels: Labels
    /// Where every query (API, UI, rules aside) is logged, one JSON line each, as Prometheus's
    /// `query_log_file` does; nil logs none.
    public var queryLogFile: String?

    public init(
        scrapeInterval: Duration = .seconds(15), scrapeTimeout: Duration = .seconds(10),
        evaluationInterval: Duration = .seconds(15), externalLabels: Labels = Labels(), queryLogFile: String? = nil
    ) {
        self.scrapeInterval = scrapeInterval
        self.scrapeTimeout = scrapeTimeout
        self.evaluationInterval = evaluationInterval
        self.externalLabels = externalLabels
        self.queryLogFile = queryLogFile
    }

    enum CodingKeys: String, CodingKey {
        case scrapeInterval = "scrape_interval"
        case scrapeTimeout = "scrape_timeout"
        case evaluationInterval = "evaluation_interval"
        case externalLabels = "external_labels"
        case queryLogFile = "query_log_file"
    }

    public init(from decoder: any Decoder) throws {
        let defaults = GlobalConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scrapeInterval =
            try container.decodeIfPresent(DurationValue.self, forKey: .scrapeInterval)?.duration
            ?? defaults.scrapeInterval
        scrapeTimeout =
            try container.decodeIfPresent(DurationValue.self, forKey: .scrapeTimeout)?.duration
            ?? min(defaults.scrapeTimeout, scrapeInterval)
        evaluationInterval =
            try container.decodeIfPresent(DurationValue.self, forKey: .evaluationInterval)?.duration
            ?? defaults.evaluationInterval
        let labels = try container.decodeIfPresent([String: String].self, forKey: .externalLabels) ?? [:]
        externalLabels = Labels(labels)
        queryLogFile = try container.decodeIfPresent(String.self, forKey: .queryLogFile).flatMap { $0.isEmpty ? nil : $0 }

        var problems: [String] = []
        if scrapeInterval <= .zero { problems.append("scrape_interval must be greater than 0s") }
        if evaluationInterval <= .zero { problems.append("evaluation_interval must be greater than 0s") }
        if scrapeTimeout > scrapeInterval {
            problems.append(
                "scrape_timeout (\(scrapeTimeout.prometheusString)) is greater than scrape_interval (\(scrapeInterval.prometheusString))")
        }
        for name in labels.keys.sorted() where !MetricNames.isValidLabelName(name) || name.hasPrefix("__") {
            problems.append("external_labels: \"\(name)\" is not a valid label name")
        }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scrapeInterval.prometheusString, forKey: .scrapeInterval)
        try container.encode(scrapeTimeout.prometheusString, forKey: .scrapeTimeout)
        try container.encode(evaluationInterval.prometheusString, forKey: .evaluationInterval)
        let labels = Dictionary(uniqueKeysWithValues: externalLabels.map { ($0.name, $0.value) })
        try container.encode(labels, forKey: .externalLabels)
        try container.encodeIfPresent(queryLogFile, forKey: .queryLogFile)
    }
}
