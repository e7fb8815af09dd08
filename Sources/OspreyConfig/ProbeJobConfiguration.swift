import OspreyModel

/// One entry of Osprey's `probes:` list: probe these targets with that module on a schedule,
/// as Prometheus would scrape blackbox exporter's `/probe?module=…&target=…` for each.
///
/// An unwritten `interval` follows `global.scrape_interval` (as a scrape job's would, so a
/// probe job moved from a Prometheus scrape of blackbox keeps its pace); `resolved(with:)` fills it.
public struct ProbeJobConfiguration: Codable, Equatable, Sendable {
    public var jobName: String
    /// The module's name, in `probe_modules` or a blackbox modules file.
    public var module: String
    public var interval: Duration
    public var targets: [String]
    public var labels: [String: String]

    private var writtenInterval: Duration?

    public init(jobName: String, module: String, interval: Duration? = nil, targets: [String] = [], labels: [String: String] = [:]) {
        self.jobName = jobName
        self.module = module
        self.interval = interval ?? GlobalConfiguration().scrapeInterval
        self.writtenInterval = interval
        self.targets = targets
        self.labels = labels
    }

    /// The interval as the whole config has it: written, else `global.scrape_interval`.
    public func resolved(with global: GlobalConfiguration) -> ProbeJobConfiguration {
        var copy = self
        copy.interval = writtenInterval ?? global.scrapeInterval
        return copy
    }

    /// How long one probe may take: the module's timeout, else as blackbox exporter does under a
    /// default Prometheus scrape, 10s less its 0.5s margin, never longer than the interval.
    public func timeout(for module: ProbeModuleConfiguration) -> Duration {
        min(module.timeout ?? .milliseconds(9500), interval)
    }

    enum CodingKeys: String, CodingKey {
        case jobName = "job_name"
        case module, interval, targets, labels
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let jobName = try container.decode(String.self, forKey: .jobName)
        let module = try container.decode(String.self, forKey: .module)
        let interval = try container.decodeIfPresent(DurationValue.self, forKey: .interval)?.duration
        let targets = try container.decodeIfPresent([String].self, forKey: .targets) ?? []
        let labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        var problems: [String] = []
        if jobName.isEmpty { problems.append("job_name must not be empty") }
        if module.isEmpty { problems.append("module must not be empty") }
        if let interval, interval <= .zero { problems.append("interval must be greater than 0s") }
        if targets.contains(where: \.isEmpty) { problems.append("targets must not be empty strings") }
        if let bad = labels.keys.sorted().first(where: { !MetricNames.isValidLabelName($0) }) {
            problems.append("\"\(bad)\" is not a valid label name")
        }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
        self.init(jobName: jobName, module: module, interval: interval, targets: targets, labels: labels)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobName, forKey: .jobName)
        try container.encode(module, forKey: .module)
        try container.encode(interval.prometheusString, forKey: .interval)
        try container.encode(targets, forKey: .targets)
        if !labels.isEmpty { try container.encode(labels, forKey: .labels) }
    }
}
