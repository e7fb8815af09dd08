import ArgumentParser
import Foundation
import OspreyConfig
import OspreyFormats
import OspreyProbes

/// `osprey probe MODULE TARGET`: one probe now, each step and metric printed, for a user
/// debugging a check before (or after) putting it on a schedule.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run one probe of a module against a target and print each step, the metrics and the verdict; exits 1 when it fails."
    )

    @Argument(
        help: """
            Module name: from probe_modules in the config (or a blackbox exporter file's modules), or one of blackbox \
            exporter's own (http_2xx, http_post_2xx, tcp_connect, pop3s_banner, ssh_banner, irc_banner, icmp, icmp_ttl5).
            """)
    var module: String

    @Argument(help: "Target: a URL for http, HOST:PORT for tcp and dns, a host for icmp.")
    var target: String

    @Option(help: "Config file: an Osprey config with probe_modules, or a blackbox exporter config with modules.")
    var config: String?

    func run() async throws {
        // Mistakes in what was asked exit 1, as a failed probe does, with the reason on standard error.
        let modules: [String: ProbeModuleConfiguration]
        do {
            modules = try loadModules()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        guard let chosen = BuiltInProbeModules.module(named: module, in: modules) else {
            let known = BuiltInProbeModules.names(with: modules).joined(separator: ", ")
            FileHandle.standardError.write(Data("error: unknown module \"\(module)\"; known: \(known)\n".utf8))
            throw ExitCode.failure
        }
        let timeout = chosen.timeout ?? .milliseconds(9500)
        print("probing \(target) with module \(module) (prober \(chosen.prober.rawValue), timeout \(timeout.prometheusString))")
        let result = await ProbeRunner.probe(target, module: chosen, timeout: timeout)
        for step in result.steps { print("  \(step)") }
        print(String(decoding: result.exposition, as: UTF8.self), terminator: "")
        if result.success {
            print("SUCCESS in \(String(format: "%.3f", result.duration.seconds)) s")
        } else {
            print("FAILED: \(result.failure ?? "probe failed")")
            throw ExitCode.failure
        }
    }

    /// The modules of the given file: Osprey's `probe_modules`, else a blackbox file's `modules`.
    private func loadModules() throws -> [String: ProbeModuleConfiguration] {
        guard let config else { return OspreyConfiguration.embeddedDefault.probeModules }
        let text = try String(contentsOfFile: config, encoding: .utf8)
        // A blackbox exporter file has `modules:` at the top level, which Osprey's config has not.
        if text.hasPrefix("modules:") || text.contains("\nmodules:") {
            return try StrictYAMLDecoder().decode(ProbeModulesFile.self, from: text, file: config).modules
        }
        return try ConfigFile.parse(text, file: config).probeModules
    }
}
