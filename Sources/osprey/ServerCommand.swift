import ArgumentParser
import Foundation
import Logging
import OspreyConfig
import OspreyModel
import OspreyServer

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the Osprey server: storage, HTTP API, UI. Stops gracefully on SIGTERM or SIGINT."
    )

    @Option(help: "HOST:PORT to listen on; port 0 picks a free one.")
    var listen = ListenAddress.default.description

    @Option(help: "Data folder.")
    var data = "./data"

    @Option(help: "Config file (YAML). Without one, the embedded defaults are used.")
    var config: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard ListenAddress(listen) != nil else { throw ValidationError("--listen \"\(listen)\" is not HOST:PORT") }
    }

    func run() async throws {
        logging.bootstrap()
        MemoryTuning.applyForServer()
        let logger = Logger(label: "osprey")

        let options = ServerOptions(
            listen: ListenAddress(listen) ?? .default, dataPath: data, configPath: config, handlesSignals: true)
        let server = Server(options: options, logger: logger) { started in
            let data = URL(fileURLWithPath: started.dataPath).standardizedFileURL.path
            // Written straight to the descriptor: stdout is block-buffered when it is a pipe.
            let line = "osprey listening on http://\(started.address), data in \(data)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        do {
            try await server.run()
        } catch let errors as ConfigErrors {
            logger.error("cannot start: bad config", metadata: ["error": "\(errors)"])
            throw ExitCode.failure
        } catch let failure as StartupFailure {
            logger.error("cannot start: \(failure)")
            throw ExitCode.failure
        } catch {
            logger.error("stopped with an error", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        logger.info("osprey stopped")
    }
}
