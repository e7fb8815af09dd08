import ArgumentParser
import Foundation
import Logging
import OspreyAgent
import OspreyConfig
import OspreyModel
import OspreyServer

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Collect this host's metrics, scrape local apps, run probes and push it all to Osprey, without losing data.",
        discussion: """
            With no config the agent collects the host's metrics every 15s and pushes them to --server. \
            Samples wait in a buffer on disk while no server answers, and keep their timestamps. \
            Applications push to the local port (--listen) as they would to the server.
            """
    )

    @Option(help: "Osprey server URL to push to; repeat for several (pushes are spread across them). Overrides the config's.")
    var server: [String] = []

    @Option(help: "Agent config file (YAML), as Config/agent.yml.")
    var config: String?

    @Option(help: "Bearer token sent with every push. Overrides the config's.")
    var token: String?

    @Option(help: "HOST:PORT of the local push port (default \(AgentConfiguration.defaultListen)). Overrides the config's.")
    var listen: String?

    @Option(help: "The buffer's SQLite file (default \(AgentBufferConfiguration.defaultPath)). Overrides the config's buffer.path.")
    var buffer: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let listen, ListenAddress(listen) == nil { throw ValidationError("--listen \"\(listen)\" is not HOST:PORT") }
        for url in server where URL(string: url)?.host == nil || !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--server \"\(url)\" is not an http or https URL")
        }
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "osprey-agent")

        var settings = AgentConfiguration()
        if let config {
            do {
                let text = try String(contentsOfFile: config, encoding: .utf8)
                settings = try StrictYAMLDecoder().decode(AgentConfiguration.self, from: text, file: config)
            } catch let errors as ConfigErrors {
                logger.error("cannot start: bad config", metadata: ["error": "\(errors)"])
                throw ExitCode.failure
            } catch {
                logger.error("cannot start: cannot read the config", metadata: ["file": "\(config)", "error": "\(error)"])
                throw ExitCode.failure
            }
        }
        if !server.isEmpty { settings.servers = server }
        if let token { settings.token = token }
        if let buffer { settings.buffer.path = buffer }
        if let listen { settings.listen = listen }
        guard let address = ListenAddress(settings.listen) else {
            logger.error("cannot start: listen \"\(settings.listen)\" is not HOST:PORT")
            throw ExitCode.failure
        }
        guard !settings.servers.isEmpty else {
            logger.error("cannot start: no server to push to; give --server URL or `server:` in the config")
            throw ExitCode.failure
        }

        let agent = Agent(configuration: settings, listen: address, logger: logger) { address in
            // Written straight to the descriptor: stdout is block-buffered when it is a pipe.
            FileHandle.standardOutput.write(Data("osprey agent listening on http://\(address)\n".utf8))
        }
        do {
            try await agent.run()
        } catch {
            logger.error("stopped with an error", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        logger.info("osprey agent stopped")
    }
}
