import ArgumentParser
import OspreyServer

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Osprey's version.")

    func run() {
        print("osprey \(BuildInfo.version) (revision \(BuildInfo.revision), \(BuildInfo.compilerVersion))")
    }
}
