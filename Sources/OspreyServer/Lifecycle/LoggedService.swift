import Logging
import ServiceLifecycle

/// Runs a service and logs when it stops, so a shutdown shows one line per part. A part
/// cancelled because another failed has stopped, not failed; a `StartupFailure` is left to the
/// command, which prints it as the one reason the server did not start.
struct LoggedService: Service {
    let name: String
    let inner: any Service
    let logger: Logger

    func run() async throws {
        do {
            try await inner.run()
            logger.info("service stopped", metadata: ["service": "\(name)"])
        } catch is CancellationError {
            logger.info("service stopped", metadata: ["service": "\(name)"])
            throw CancellationError()
        } catch let failure as StartupFailure {
            throw failure
        } catch {
            logger.error("service failed", metadata: ["service": "\(name)", "error": "\(error)"])
            throw error
        }
    }
}
