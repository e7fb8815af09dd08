import ArgumentParser

@main
struct Osprey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "osprey",
        abstract: "Metrics, logs, traces, alerts, checks and dashboards in one program.",
        subcommands: [ServerCommand.self, AgentCommand.self, PushCommand.self, QueryCommand.self, ProbeCommand.self, CheckCommand.self, VersionCommand.self]
    )
}
