import Logging
import OspreyConfig
import OspreyModel
import OspreyStorage

/// Runs a scrape loop for every target of every job, and keeps them in step with the config
/// and with discovery: a reload or a changed target file starts loops for new targets, ends
/// those of targets that left (their series marked stale), and leaves unchanged ones running,
/// so their series go on without a gap.
public actor ScrapeManager {
    private let storage: @Sendable () -> (any Appendable)?
    private let logger: Logger
    private let filePollInterval: Duration
    private var jobs: [String: Job] = [:]
    /// Job names in config order, for `/api/v1/targets`.
    private var order: [String] = []

    /// A job's settings, what discovery last said, and its running loops by target.
    private struct Job {
        var config: ScrapeConfiguration
        var client: ScrapeClient
        var relabeler: Relabeler
        var metricRelabeler: Relabeler
        /// Groups by provider: 0 is `static_configs`, then one per `file_sd_configs` entry.
        var groups: [Int: [TargetGroup]] = [:]
        var discovery: [Task<Void, Never>] = []
        var loops: [ScrapeTarget: (loop: ScrapeLoop, task: Task<Void, Never>)] = [:]
        var dropped: [DroppedTarget] = []
    }

    public init(
        storage: @escaping @Sendable () -> (any Appendable)?, filePollInterval: Duration = .seconds(5), logger: Logger
    ) {
        self.storage = storage
        self.filePollInterval = filePollInterval
        self.logger = logger
    }

    /// Takes a new set of jobs: removed jobs stop (their series marked stale), jobs whose
    /// settings changed restart, and jobs whose targets alone changed keep the loops of the
    /// targets that stay, so those series go on without a gap.
    public func apply(_ configs: [ScrapeConfiguration]) async {
        let wanted = Dictionary(configs.map { ($0.jobName, $0) }, uniquingKeysWith: { first, _ in first })
        for (name, job) in jobs {
            guard let config = wanted[name] else {
                await stop(job, endingSeries: true)
                jobs[name] = nil
                continue
            }
            if config == job.config { continue }
            if Self.sameSettings(config, job.config) {
                await rediscover(name, with: config)
            } else {
                await stop(job, endingSeries: false)
                jobs[name] = nil
            }
        }
        order = configs.map(\.jobName)
        for config in configs where jobs[config.jobName] == nil {
            await start(config)
        }
    }

    /// Whether two versions of a job differ in their targets at most.
    private static func sameSettings(_ left: ScrapeConfiguration, _ right: ScrapeConfiguration) -> Bool {
        var left = left
        left.staticConfigs = right.staticConfigs
        left.fileSDConfigs = right.fileSDConfigs
        return left == right
    }

    /// Takes a job's new target sources, keeping the loops of targets that stay.
    private func rediscover(_ name: String, with config: ScrapeConfiguration) async {
        guard var job = jobs[name] else { return }
        for task in job.discovery { task.cancel() }
        for task in job.discovery { await task.value }
        job.config = config
        job.discovery = []
        job.groups = [0: TargetGroup.groups(of: config.staticConfigs)]
        jobs[name] = job
        startDiscovery(of: config)
        sync(name)
    }

    /// Stops every loop, leaving series as they are: a restart carries on with them.
    public func shutdown() async {
        for job in jobs.values { await stop(job, endingSeries: false) }
        jobs = [:]
    }

    /// Active and dropped targets of every job, in config order.
    public func targets() -> [JobTargets] {
        order.compactMap { name in
            jobs[name].map { job in
                JobTargets(
                    job: name,
                    active: job.loops.values.map { TargetState(target: $0.loop.target, health: $0.loop.currentHealth) }
                        .sorted { $0.target.url < $1.target.url },
                    dropped: job.dropped)
            }
        }
    }

    private func start(_ config: ScrapeConfiguration) async {
        let client: ScrapeClient
        do {
            client = try ScrapeClient(job: config)
        } catch {
            logger.error("scrape job not started", metadata: ["job": "\(config.jobName)", "error": "\(error)"])
            return
        }
        var job = Job(
            config: config, client: client, relabeler: Relabeler(config.relabelConfigs),
            metricRelabeler: Relabeler(config.metricRelabelConfigs))
        job.groups[0] = TargetGroup.groups(of: config.staticConfigs)
        jobs[config.jobName] = job
        startDiscovery(of: config)
        sync(config.jobName)
    }

    /// Reads the job's target files now and follows their changes.
    private func startDiscovery(of config: ScrapeConfiguration) {
        let name = config.jobName
        for (offset, fileConfig) in config.fileSDConfigs.enumerated() {
            let discovery = FileDiscovery(fileConfig, pollInterval: filePollInterval, logger: logger)
            jobs[name]?.groups[offset + 1] = discovery.read()
            jobs[name]?.discovery.append(
                Task { [weak self] in
                    for await groups in discovery.updates() {
                        await self?.discovered(groups, job: name, provider: offset + 1)
                    }
                })
        }
    }

    private func discovered(_ groups: [TargetGroup], job name: String, provider: Int) {
        guard jobs[name] != nil, jobs[name]?.groups[provider] != groups else { return }
        jobs[name]?.groups[provider] = groups
        sync(name)
    }

    /// Starts loops for new targets of the job and ends those of targets that are gone.
    private func sync(_ name: String) {
        guard var job = jobs[name] else { return }
        let groups = job.groups.keys.sorted().flatMap { job.groups[$0] ?? [] }
        let (active, dropped) = ScrapeTarget.build(job: job.config, groups: groups, relabeler: job.relabeler)
        job.dropped = dropped
        let wanted = Set(active)
        for (target, running) in job.loops where !wanted.contains(target) {
            running.loop.markEnded()
            running.task.cancel()
            job.loops[target] = nil
        }
        for target in active where job.loops[target] == nil {
            let loop = ScrapeLoop(
                target: target, job: job.config, client: job.client, metricRelabeler: job.metricRelabeler,
                storage: storage, logger: logger)
            job.loops[target] = (loop, Task { await loop.run() })
        }
        jobs[name] = job
    }

    private func stop(_ job: Job, endingSeries: Bool) async {
        for task in job.discovery { task.cancel() }
        for (_, running) in job.loops {
            if endingSeries { running.loop.markEnded() }
            running.task.cancel()
        }
        for (_, running) in job.loops { await running.task.value }
        for task in job.discovery { await task.value }
        await job.client.shutdown()
    }
}

/// One job's targets, as `/api/v1/targets` lists them.
public struct JobTargets: Sendable {
    public var job: String
    public var active: [TargetState]
    public var dropped: [DroppedTarget]
}

/// An active target and how its last scrape went.
public struct TargetState: Sendable {
    public var target: ScrapeTarget
    public var health: TargetHealth
}
