import Logging
import OspreyConfig
import OspreyIngest
import OspreyModel
import OspreySQLite
import OspreyStorage
import OspreyTSDB
import ServiceLifecycle
import Synchronization

/// Opens the data folder and the metrics storage in the background (a WAL replay may take a
/// while), marks the server ready once they are open, keeps the WAL synced and old shards
/// deleted while running (the engine's `maintain`), and closes it on shutdown so that a restart
/// replays nothing.
final class StorageService: Service {
    /// Locked by the server before it listens, so a busy folder stops it before it says it does;
    /// let go when the service ends, so that a server started next in this process may take it.
    private let lockedDirectory: Mutex<DataDirectory?>
    private let configuration: StorageConfiguration
    private let readiness: Readiness
    private let logger: Logger
    private let state = AwaitedValue<Opened>()

    /// What lives in the data folder.
    struct Opened {
        var directory: DataDirectory
        var storage: any Storage
        /// The series of each pushgateway group (`pushgateway.sqlite`).
        var pushGroups: PushGroups
    }

    init(directory: DataDirectory, configuration: StorageConfiguration, readiness: Readiness, logger: Logger) {
        lockedDirectory = Mutex(directory)
        self.configuration = configuration
        self.readiness = readiness
        self.logger = logger
    }

    /// The folder and the storage, once open.
    var opened: Opened? { state.value }

    /// Waits until the storage is open (a WAL replay may take a while); throws on cancellation.
    func waitUntilOpen() async throws -> any Storage {
        try await state.wait().storage
    }

    /// Waits until the data folder and storage are open; returns the folder's path.
    func waitUntilOpenDirectory() async throws -> String {
        try await state.wait().directory.path
    }

    func run() async throws {
        defer { lockedDirectory.withLock { $0 = nil } }
        guard let directory = lockedDirectory.withLock({ $0 }) else { throw CancellationError() }
        let storage = try MetricsEngine.open(path: directory.path, options: Self.options(configuration), logger: logger)
        let pushGroups = PushGroups(store: try PushGroupStore(path: directory.path + "/pushgateway.sqlite"))
        state.set(Opened(directory: directory, storage: storage, pushGroups: pushGroups))
        readiness.set(true)
        logger.info("storage open", metadata: ["data": "\(directory.path)"])

        await cancelWhenGracefulShutdown {
            await storage.maintain()
        }

        readiness.set(false)
        do {
            try storage.close()
        } catch {
            logger.error("storage did not close cleanly; the WAL will be replayed", metadata: ["error": "\(error)"])
        }
        state.set(nil)
    }

    static func options(_ configuration: StorageConfiguration) -> StorageOptions {
        StorageOptions(
            shardWindow: configuration.shardWindow, retention: configuration.retention,
            maxSeries: configuration.maxSeries,
            walFsync: configuration.walFsync == .always ? .always : .interval(.seconds(1)), maxFuture: configuration.maxFuture)
    }
}
