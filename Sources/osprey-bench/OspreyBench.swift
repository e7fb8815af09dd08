import ArgumentParser

@main
struct OspreyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "osprey-bench",
        abstract: "Osprey's benchmarks; each subcommand prints the figures its issue is judged on.",
        subcommands: [
            ParseBenchmark.self, StorageBenchmark.self, ImportBenchmark.self, QueryBenchmark.self, ScrapeBenchmark.self,
            RuleBenchmark.self, AlertLatencyBenchmark.self, DurabilityWriter.self, UIPaintBenchmark.self, BombBenchmark.self,
        ]
    )
}
