import ArgumentParser
import OspreyConfig
import OspreyRules

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check files before using them.",
        subcommands: [CheckConfigCommand.self, CheckRulesCommand.self]
    )
}

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check config files: prints FILE: ok, or every error with its line; exits 1 on any error.",
        discussion: """
            A file is checked as the server's config (osprey.yml) unless one of its top-level keys is one \
            only the agent's config has (server, token, token_file, interval, collectors, buffer, batch, \
            listen): then as the agent's (agent.yml), and `(agent config)` follows its ok. --agent checks \
            every file as the agent's.
            """
    )

    @Argument(help: "Config files to check.")
    var files: [String]

    @Flag(help: "Check the files as agent configs, whatever their keys.")
    var agent = false

    func run() throws {
        var failed = false
        for file in files {
            do {
                let text = try ConfigFile.read(file)
                if agent || ConfigFile.kind(of: text) == .agent {
                    _ = try ConfigFile.parseAgent(text, file: file)
                    print("\(file): ok (agent config)")
                } else {
                    _ = try ConfigFile.parse(text, file: file)
                    print("\(file): ok")
                }
            } catch {
                failed = true
                print(error.description)
            }
        }
        if failed { throw ExitCode.failure }
    }
}

struct CheckRulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check Prometheus rule files as promtool does: YAML, expressions and templates, each error with its line; exits 1 on any error."
    )

    @Argument(help: "Rule files to check.")
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            print("Checking \(file)")
            do {
                let rules = try RuleFile.load(path: file)
                print("  SUCCESS: \(rules.ruleCount) rules found")
            } catch {
                failed = true
                print("  FAILED:")
                print(error.description)
            }
            print("")
        }
        if failed { throw ExitCode.failure }
    }
}
