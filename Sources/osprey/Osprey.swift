import ArgumentParser

@main
struct Osprey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "osprey",
        abstract: "Metrics, alerts, synthetic checks and dashboards in one program (logs and traces are not there yet).",
        subcommands: [
            ServerCommand.self, AgentCommand.self, PushCommand.self, QueryCommand.self, ProbeCommand.self, CheckCommand.self, VersionCommand.self,
        ]
    )
}
