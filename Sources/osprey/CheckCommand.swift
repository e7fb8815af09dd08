import ArgumentParser
import OspreyConfig

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check files before using them.",
        subcommands: [CheckConfigCommand.self]
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
