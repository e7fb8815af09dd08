import Logging
import OspreyStorage
import ServiceLifecycle
import Synchronization

/// Opens the data folder in the background, marks the server ready once it is open, and releases
/// it on shutdown. The HTTP server answers `/-/healthy` meanwhile, and `/-/ready` with 503.
final class StorageService: Service {
    private let path: String
    private let readiness: Readiness
    private let logger: Logger
    private let directory = Mutex<DataDirectory?>(nil)

    init(path: String, readiness: Readiness, logger: Logger) {
        self.path = path
        self.readiness = readiness
        self.logger = logger
    }

    func run() async throws {
        let opened = try DataDirectory(path: path)
        directory.withLock { $0 = opened }
        readiness.set(true)
        logger.info("storage open", metadata: ["data": "\(opened.path)"])
        try? await gracefulShutdown()
        readiness.set(false)
        directory.withLock { $0 = nil }
    }

    /// Bytes on disk, once the folder is open.
    func sizeOnDisk() -> Int64? {
        directory.withLock { $0?.sizeOnDisk() }
    }
}
