import Logging
import OspreyConfig
import OspreyStorage
import ServiceLifecycle
import Synchronization

/// Opens the data folder and the metrics storage in the background (a WAL replay may take a
/// while), marks the server ready once they are open, keeps the WAL synced and old shards
/// deleted while running, and checkpoints on shutdown so that a restart replays nothing.
final class StorageService: Service {
    /// Locked by the server before it listens, so a busy folder stops it before it says it does;
    /// let go when the service ends, so that a server started next in this process may take it.
    private let lockedDirectory: Mutex<DataDirectory?>
    private let configuration: StorageConfiguration
    private let readiness: Readiness
    private let logger: Logger
    private let state = Mutex<Opened?>(nil)

    /// What lives in the data folder.
    struct Opened {
        var directory: DataDirectory
        var storage: MetricsStorage
        /// The series of each pushgateway group (`pushgateway.sqlite`).
        var pushGroups: PushGroupStore
    }

    init(directory: DataDirectory, configuration: StorageConfiguration, readiness: Readiness, logger: Logger) {
        lockedDirectory = Mutex(directory)
        self.configuration = configuration
        self.readiness = readiness
        self.logger = logger
    }

    /// The folder and the storage, once open.
    var opened: Opened? { state.withLock { $0 } }

    /// Waits until the storage is open (a WAL replay may take a while); throws on cancellation.
    func waitUntilOpen() async throws -> MetricsStorage {
        try await waitForOpened().storage
    }

    /// Waits until the data folder and storage are open; returns the folder's path.
    func waitUntilOpenDirectory() async throws -> String {
        try await waitForOpened().directory.path
    }

    private func waitForOpened() async throws -> Opened {
        while true {
            if let opened { return opened }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func run() async throws {
        defer { lockedDirectory.withLock { $0 = nil } }
        guard let directory = lockedDirectory.withLock({ $0 }) else { throw CancellationError() }
        let storage = try MetricsStorage(
            path: directory.path, options: Self.options(configuration), logger: logger)
        let pushGroups = try PushGroupStore(path: directory.path + "/pushgateway.sqlite")
        state.withLock { $0 = Opened(directory: directory, storage: storage, pushGroups: pushGroups) }
        readiness.set(true)
        logger.info("storage open", metadata: ["data": "\(directory.path)"])

        await cancelWhenGracefulShutdown {
            await self.maintain(storage)
        }

        readiness.set(false)
        do {
            try storage.close()
        } catch {
            logger.error("storage did not close cleanly; the WAL will be replayed", metadata: ["error": "\(error)"])
        }
        state.withLock { $0 = nil }
    }

    /// Once a second: sync the WAL (under `wal_fsync: 1s`) and move full chunks to their shards.
    /// Every 30 minutes, or sooner when the WAL passes 256 MiB: checkpoint, so that memory, the
    /// WAL and a restart's replay stay bounded. Every 10 minutes: delete shards past retention and
    /// recompress what is over an hour old.
    private func maintain(_ storage: MetricsStorage) async {
        var tick = 0
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return
            }
            tick += 1
            do {
                try storage.syncWAL()
                try storage.flushPending()
                if tick % 1800 == 0 || storage.walBytes > 256 << 20 {
                    try storage.checkpoint()
                }
                if tick % 600 == 0 {
                    let deleted = storage.enforceRetention()
                    if deleted > 0 { logger.info("deleted shards past retention", metadata: ["shards": "\(deleted)"]) }
                    try storage.recompressSettled()
                }
            } catch {
                logger.error("storage maintenance failed", metadata: ["error": "\(error)"])
            }
        }
    }

    static func options(_ configuration: StorageConfiguration) -> StorageOptions {
        StorageOptions(
            shardWindow: configuration.shardWindow, retention: configuration.retention,
            maxSeries: configuration.maxSeries,
            walFsync: configuration.walFsync == .always ? .always : .interval(.seconds(1)), maxFuture: configuration.maxFuture)
    }
}
