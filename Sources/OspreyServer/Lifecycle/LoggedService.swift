import Logging
import ServiceLifecycle

/// Runs a service and logs when it stops, so a shutdown shows one line per part.
struct LoggedService: Service {
    let name: String
    let inner: any Service
    let logger: Logger

    func run() async throws {
        do {
            try await inner.run()
            logger.info("service stopped", metadata: ["service": "\(name)"])
        } catch {
            logger.error("service failed", metadata: ["service": "\(name)", "error": "\(error)"])
            throw error
        }
    }
}
