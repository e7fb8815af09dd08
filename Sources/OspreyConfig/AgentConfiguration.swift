import Foundation
import OspreyModel

/// The whole of `agent.yml`: where the agent ships, what it collects, and how much it may hold
/// while the server is away. Scrape jobs and probes take the server's shapes.
public struct AgentConfiguration: Equatable, Sendable {
    /// Osprey servers to push to; pushes are spread across them, skipping one that fails.
    public var servers: [String]
    /// Sent as `Authorization: Bearer <token>` with every push.
    public var token: String?
    /// How often host metrics are collected, and the default scrape and probe interval.
    public var interval: Duration
    /// Added to every sample the agent ships; `instance` is the host name unless given.
    public var externalLabels: Labels
    /// Host collectors by node_exporter's names; each is on unless turned off here. The agent
    /// refuses to start with a name it has no collector for.
    public var collectors: [String: Bool]
    public var scrapeConfigs: [ScrapeConfiguration]
    public var probeModules: [String: ProbeModuleConfiguration]
    public var probes: ProbesConfiguration
    public var buffer: AgentBufferConfiguration
    public var batch: AgentBatchConfiguration
    /// The loopback address of the local push port.
    public var listen: String

    public static let defaultListen = "127.0.0.1:9301"

    public init(
        servers: [String] = [], token: String? = nil, interval: Duration = .seconds(15), externalLabels: Labels = Labels(),
        collectors: [String: Bool] = [:], scrapeConfigs: [ScrapeConfiguration] = [],
        probeModules: [String: ProbeModuleConfiguration] = [:], probes: ProbesConfiguration = ProbesConfiguration(),
        buffer: AgentBufferConfiguration = AgentBufferConfiguration(), batch: AgentBatchConfiguration = AgentBatchConfiguration(),
        listen: String = defaultListen
    ) {
        let global = GlobalConfiguration(scrapeInterval: interval, scrapeTimeout: min(.seconds(10), interval))
        self.servers = servers
        self.token = token
        self.interval = interval
        self.externalLabels = externalLabels
        self.collectors = collectors
        self.scrapeConfigs = scrapeConfigs.map { $0.resolved(with: global) }
        self.probeModules = probeModules
        self.probes = probes.resolved(with: global)
        self.buffer = buffer
        self.batch = batch
        self.listen = listen
    }

    /// Whether the host collector `name` runs.
    public func collects(_ name: String) -> Bool { collectors[name] ?? true }

    /// The external labels with `instance` filled from the host name when not given.
    public func externalLabels(hostName: String) -> Labels {
        externalLabels["instance"] == nil ? externalLabels.setting("instance", to: hostName) : externalLabels
    }

    /// The config as a server of the same shape would read it: the agent's scrape jobs and
    /// probes, for the scrape manager and probe runner shared with the server.
    public var asServerConfiguration: OspreyConfiguration {
        OspreyConfiguration(
            global: GlobalConfiguration(scrapeInterval: interval, scrapeTimeout: min(.seconds(10), interval)),
            scrapeConfigs: scrapeConfigs, probeModules: probeModules, probes: probes)
    }
}

extension AgentConfiguration: Decodable {
    enum CodingKeys: String, CodingKey {
        case server, token, interval
        case tokenFile = "token_file"
        case externalLabels = "external_labels"
        case collectors
        case scrapeConfigs = "scrape_configs"
        case probeModules = "probe_modules"
        case probes, buffer, batch, listen
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Checked where they are written, so a refusal names their own line.
        let servers = try container.decodeIfPresent(ServerURLs.self, forKey: .server)?.values ?? []
        var token = try container.decodeIfPresent(String.self, forKey: .token)
        let tokenFile = try container.decodeIfPresent(TokenFile.self, forKey: .tokenFile)
        let interval = try container.decodeIfPresent(DurationValue.self, forKey: .interval)?.duration ?? .seconds(15)
        let externalLabels = try container.decodeIfPresent(ExternalLabels.self, forKey: .externalLabels)?.labels ?? [:]
        let collectors = try container.decodeIfPresent([String: Bool].self, forKey: .collectors) ?? [:]
        let scrapeConfigs = try container.decodeIfPresent([ScrapeConfiguration].self, forKey: .scrapeConfigs) ?? []
        let probeModules = try container.decodeIfPresent([String: ProbeModuleConfiguration].self, forKey: .probeModules) ?? [:]
        let probes = try container.decodeIfPresent(ProbesConfiguration.self, forKey: .probes) ?? ProbesConfiguration()
        let buffer = try container.decodeIfPresent(AgentBufferConfiguration.self, forKey: .buffer) ?? AgentBufferConfiguration()
        let batch = try container.decodeIfPresent(AgentBatchConfiguration.self, forKey: .batch) ?? AgentBatchConfiguration()
        let listen = try container.decodeIfPresent(String.self, forKey: .listen) ?? Self.defaultListen

        var problems: [String] = []
        if token != nil, tokenFile != nil { problems.append("at most one of token and token_file may be set") }
        if let tokenFile { token = tokenFile.token }
        if interval <= .zero { problems.append("interval must be greater than 0s") }
        let config = AgentConfiguration(
            servers: servers, token: token, interval: interval, externalLabels: Labels(externalLabels), collectors: collectors,
            scrapeConfigs: scrapeConfigs, probeModules: probeModules, probes: probes, buffer: buffer, batch: batch, listen: listen)
        var jobs: Set<String> = []
        for job in config.scrapeConfigs {
            if !jobs.insert(job.jobName).inserted { problems.append("scrape_configs: job_name \"\(job.jobName)\" is used twice") }
            problems += job.problems.map { "scrape_configs: job \"\(job.jobName)\": \($0)" }
        }
        for job in config.probes.jobs where BuiltInProbeModules.module(named: job.module, in: probeModules) == nil {
            problems.append("probes: job \"\(job.jobName)\": module \"\(job.module)\" is not in probe_modules")
        }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
        self = config
    }
}

/// `buffer:`: the disk-backed queue that holds samples until a server has them.
public struct AgentBufferConfiguration: Equatable, Sendable, Decodable {
    /// The queue's SQLite file. By default in a data folder of the agent's own, as Prometheus's
    /// agent mode keeps `data-agent/`, so that it stays out of whatever folder the agent starts in
    /// and apart from the server's `data/`.
    public var path: String
    /// Beyond this many bytes the oldest samples are dropped (and counted).
    public var maxBytes: Int

    public static let defaultPath = "data-agent/buffer.sqlite"

    public init(path: String = defaultPath, maxBytes: Int = 512 << 20) {
        self.path = path
        self.maxBytes = maxBytes
    }

    enum CodingKeys: String, CodingKey {
        case path
        case maxBytes = "max_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let defaults = AgentBufferConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decodeIfPresent(String.self, forKey: .path) ?? defaults.path
        maxBytes = try container.decodeIfPresent(ByteSize.self, forKey: .maxBytes)?.bytes ?? defaults.maxBytes
        if path.isEmpty || maxBytes < 1 {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: path.isEmpty ? "path must not be empty" : "max_bytes must be at least 1"))
        }
    }
}

/// `batch:`: how much one push carries and how long queued samples may wait for company.
public struct AgentBatchConfiguration: Equatable, Sendable, Decodable {
    public var maxSamples: Int
    /// A push leaves once the oldest queued sample has waited this long, full or not.
    public var maxAge: Duration

    public init(maxSamples: Int = 20_000, maxAge: Duration = .seconds(1)) {
        self.maxSamples = maxSamples
        self.maxAge = maxAge
    }

    enum CodingKeys: String, CodingKey {
        case maxSamples = "max_samples"
        case maxAge = "max_age"
    }

    public init(from decoder: any Decoder) throws {
        let defaults = AgentBatchConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxSamples = try container.decodeIfPresent(Int.self, forKey: .maxSamples) ?? defaults.maxSamples
        maxAge = try container.decodeIfPresent(DurationValue.self, forKey: .maxAge)?.duration ?? defaults.maxAge
        if maxSamples < 1 {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "max_samples must be at least 1"))
        }
    }
}

/// `server:`, every entry an http or https URL.
struct ServerURLs: Decodable {
    var values: [String]

    init(from decoder: any Decoder) throws {
        values = try OneOrMany(from: decoder).values
        let bad = values.filter { server in
            guard let url = URL(string: server), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else { return true }
            return false
        }
        if !bad.isEmpty {
            throw ConfigProblems(bad.map { "\"\($0)\" is not an http or https URL" })
        }
    }
}

/// `token_file:`, read when the config is: the token is its content, trimmed.
struct TokenFile: Decodable {
    var token: String

    init(from decoder: any Decoder) throws {
        let path = try decoder.singleValueContainer().decode(String.self)
        do {
            token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "cannot read \(path): \(error.localizedDescription)"))
        }
    }
}

/// `external_labels:`, every name a valid label name.
struct ExternalLabels: Decodable {
    var labels: [String: String]

    init(from decoder: any Decoder) throws {
        labels = try decoder.singleValueContainer().decode([String: String].self)
        if let bad = labels.keys.sorted().first(where: { !MetricNames.isValidLabelName($0) }) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(bad)\" is not a valid label name"))
        }
    }
}

/// A value written either alone or as a list: `server: URL` or `server: [URL, URL]`.
struct OneOrMany: Decodable {
    var values: [String]

    init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var values: [String] = []
            while !list.isAtEnd { values.append(try list.decode(String.self)) }
            self.values = values
        } else {
            values = [try decoder.singleValueContainer().decode(String.self)]
        }
    }
}
