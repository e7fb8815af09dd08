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
        abstract: "Check config files: prints FILE: ok, or every error with its line; exits 1 on any error."
    )

    @Argument(help: "Config files to check.")
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            do {
                _ = try ConfigFile.load(path: file)
                print("\(file): ok")
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
