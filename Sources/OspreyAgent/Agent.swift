import Foundation
import Hummingbird
import Logging
import OspreyConfig
import OspreyModel
import OspreyProbes
import OspreyScrape
import ServiceLifecycle

/// `osprey agent`: collects the host's metrics, scrapes local apps, runs probes and takes
/// local pushes, queues all of it on disk, and ships it to the servers, keeping each sample's
/// own timestamp, so that a server away for a while gets everything once it is back.
///
/// Every source appends to one `QueueAppendable`, the agent's stand-in for the server's storage
/// (so the server's scrape manager and probe scheduler run here unchanged); the `Shipper`
/// drains the queue.
public struct Agent: Service {
    public let configuration: AgentConfiguration
    public let listen: ListenAddress
    public let hostName: String
    /// Whether SIGTERM/SIGINT stop the agent; off inside tests.
    public let handlesSignals: Bool
    private let logger: Logger
    private let onStarted: @Sendable (ListenAddress) async -> Void

    public init(
        configuration: AgentConfiguration, listen: ListenAddress, hostName: String = ProcessInfo.processInfo.hostName,
        handlesSignals: Bool = true, logger: Logger, onStarted: @escaping @Sendable (ListenAddress) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.listen = listen
        self.hostName = hostName
        self.handlesSignals = handlesSignals
        self.logger = logger
        self.onStarted = onStarted
    }

    public func run() async throws {
        let configuration = self.configuration
        let unknown = Set(configuration.collectors.keys).subtracting(HostCollectors.allNames)
        guard unknown.isEmpty else { throw HostCollectors.UnknownCollectorError(names: unknown.sorted()) }
        let collectors = try HostCollectors(enabled: Set(HostCollectors.allNames.filter(configuration.collects)), logger: logger)
        let queue = try SampleQueue(path: configuration.buffer.path, maxBytes: configuration.buffer.maxBytes, logger: logger)
        let externalLabels = configuration.externalLabels(hostName: hostName)
        let appendable = QueueAppendable(queue: queue, externalLabels: externalLabels)
        // Made after everything that may throw: a client must be shut down before it goes.
        let client = Shipper.makeClient()
        let shipper = Shipper(
            queue: queue, client: client,
            settings: Shipper.Settings(
                servers: configuration.servers, token: configuration.token, maxSamples: configuration.batch.maxSamples,
                maxAge: configuration.batch.maxAge),
            logger: logger)
        let selfMetrics = AgentSelfMetrics(queue: queue, shipper: shipper)
        var offset = FNV1a()
        offset.add(hostName)
        let collection = HostCollection(
            collectors: collectors, selfMetrics: selfMetrics, appendable: appendable, interval: configuration.interval,
            offset: offset.value, logger: logger)
        let sources = AgentSources(configuration: configuration, appendable: appendable, collection: collection, logger: logger)

        let router = Router()
        LocalPushRoutes(appendable: appendable, selfMetrics: selfMetrics).register(on: router)
        let onStarted = self.onStarted
        let listen = self.listen
        let http = Application(
            router: router, configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: nil),
            onServerRunning: { channel in await onStarted(ListenAddress(host: listen.host, port: channel.localAddress?.port ?? 0)) },
            logger: logger)

        logger.info(
            "agent started",
            metadata: [
                "servers": "\(configuration.servers.joined(separator: ","))", "buffer": "\(configuration.buffer.path)",
                "queued_samples": "\(queue.statistics.samples)", "instance": "\(externalLabels["instance"] ?? "")",
            ])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: http, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
                    .init(
                        service: sources, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
                    .init(
                        service: ShipperService(shipper: shipper), successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        do {
            try await group.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

/// Host collection, local scrapes and probes, until the agent stops; what they found is
/// already in the queue, so stopping loses nothing.
struct AgentSources: Service {
    let configuration: AgentConfiguration
    let appendable: QueueAppendable
    let collection: HostCollection
    let logger: Logger

    func run() async throws {
        let appendable = self.appendable
        let scrape = ScrapeManager(storage: { appendable }, logger: logger)
        let server = configuration.asServerConfiguration
        let probes = ProbeScheduler(storage: { appendable }, maxConcurrent: { server.probes.maxConcurrent }, logger: logger) { probe in
            guard let module = server.probeModule(named: probe.module) else {
                return ProbeResult(success: false, duration: .zero, metrics: [], failure: "module \"\(probe.module)\" is not configured")
            }
            return await ProbeRunner.probe(probe.target, module: module, timeout: probe.timeout)
        }
        await scrape.apply(server.scrapeConfigs)
        await probes.apply(ProbeRunner.scheduledProbes(of: server))
        await cancelWhenGracefulShutdown {
            await collection.run()
        }
        await probes.shutdown()
        await scrape.shutdown()
    }
}

/// The shipper until the agent stops; unshipped samples stay in the buffer for the next start.
struct ShipperService: Service {
    let shipper: Shipper

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await shipper.run()
        }
    }
}
