import Foundation
import Hummingbird
import Logging
import NIOCore
import OspreyConfig
import OspreyModel
import OspreySQLite
import OspreyStorage
import ServiceLifecycle

/// Where a started server listens and keeps its data.
public struct StartedServer: Sendable {
    public var address: ListenAddress
    public var dataPath: String
    /// The storage, once open (it opens in the background after the port is bound).
    public var storage: @Sendable () -> (any Storage)?
}

/// `osprey server`: wires storage, the HTTP API and the config together and runs them until
/// SIGTERM/SIGINT (or cancellation), then stops each part gracefully, the HTTP server first.
///
/// It is itself a `Service`, so an outer service group (a test's) can stop it gracefully too.
public struct Server: Service {
    public let options: ServerOptions
    private let logger: Logger
    private let onStarted: @Sendable (StartedServer) async -> Void

    /// `onStarted` is called once the port is bound.
    public init(
        options: ServerOptions, logger: Logger, onStarted: @escaping @Sendable (StartedServer) async -> Void = { _ in }
    ) {
        self.options = options
        self.logger = logger
        self.onStarted = onStarted
    }

    /// Runs until SIGTERM/SIGINT, cancellation or the graceful shutdown of an enclosing group.
    public func run() async throws {
        let onStarted = self.onStarted
        let metrics = SelfMetrics()
        let config = try ConfigStore(path: options.configPath, metrics: metrics, logger: logger)
        // Taken before the port is bound, so that a second server on a busy folder fails before it
        // says it listens.
        let directory: DataDirectory
        do {
            directory = try DataDirectory(path: options.dataPath)
        } catch {
            throw StartupFailure(error.description)
        }
        let readiness = Readiness()
        let storage = StorageService(
            directory: directory, configuration: config.current.storage, readiness: readiness, logger: logger)

        let authorizer = Authorizer(config: config)
        let router = Router(context: OspreyRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: CrossOriginProtection())
        LifecycleRoutes(readiness: readiness, config: config, authorizer: authorizer).register(on: router)
        StatusRoutes(config: config, authorizer: authorizer).register(on: router)
        let ingest = IngestGate(config: config, storage: storage)
        let query = QueryGate(config: config, storage: storage)
        ImportRoutes(ingest: ingest).register(on: router)
        PushgatewayRoutes(ingest: ingest, groups: { storage.opened?.pushGroups }).register(on: router)
        QueryRoutes(gate: query).register(on: router)
        let scrape = ScrapeService(config: config, storage: storage, selfScrape: options.selfScrape, logger: logger)
        TargetsRoute(scrape: scrape, authorizer: authorizer).register(on: router)
        let notifier = NotifierService(
            config: config, storage: storage, externalURL: Self.externalURL(options.listen), logger: logger)
        let rules = RuleService(
            config: config, storage: storage, externalURL: Self.externalURL(options.listen), logger: logger,
            notify: { alerts in await notifier.notify(alerts) })
        RulesRoutes(rules: rules, gate: query).register(on: router)
        SilenceRoutes(store: { notifier.opened?.store.silences }, authorizer: authorizer).register(on: router)
        let probes = ProbeService(config: config, storage: storage, logger: logger)
        ProbeRoutes(config: config, probes: probes, gate: query).register(on: router)
        WebRoutes().register(on: router)
        let dashboards = DashboardService(config: config, storage: storage, logger: logger)
        DashboardRoutes(dashboards: dashboards, authorizer: authorizer).register(on: router)
        MetricsRoute(metrics: metrics, storage: storage, ingest: ingest, query: query, rules: rules, notifier: notifier)
            .register(on: router)

        let dataPath = options.dataPath
        let listening = ListeningFlag()
        let http = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [LargeReadsHandler(), ClientDisconnectHandler()])),
            configuration: .init(address: .hostname(options.listen.host, port: options.listen.port), serverName: nil),
            onServerRunning: { channel in
                listening.set()
                let port = channel.localAddress?.port ?? 0
                scrape.serverStarted(at: ListenAddress(host: options.listen.host, port: port))
                let externalURL = Self.externalURL(ListenAddress(host: options.listen.host, port: port))
                rules.serverStarted(externalURL: externalURL)
                notifier.serverStarted(externalURL: externalURL)
                await onStarted(
                    StartedServer(
                        address: ListenAddress(host: options.listen.host, port: port), dataPath: dataPath,
                        storage: { storage.opened?.storage }))
            },
            logger: logger
        )

        var services: [(String, any Service)] = [
            ("storage", storage), ("notifier", notifier), ("scrape", scrape), ("probes", probes), ("rules", rules),
            ("dashboards", dashboards),
            ("http", ListeningService(inner: http, address: options.listen, listening: listening)),
        ]
        if options.handlesSignals {
            services.append(("reload-signal", ReloadSignalService(config: config)))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { name, service in
                    .init(
                        service: LoggedService(name: name, inner: service, logger: logger),
                        successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: options.handlesSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
        try await group.run()
    }

    /// Where users reach this server, for alert links: Prometheus's default of the host's name
    /// and the port, unless the server listens on one address only.
    static func externalURL(_ listen: ListenAddress) -> String {
        let host = ["0.0.0.0", "::", ""].contains(listen.host) ? ProcessInfo.processInfo.hostName : listen.host
        return "http://\(ListenAddress(host: host, port: listen.port))"
    }
}
