import OspreyConfig

/// The config files read by the strict YAML decoder: `osprey.yml`, the agent's config and
/// `osprey probe`'s module file. Any text decodes or is refused with at least one located error.
enum ConfigHarness {
    static func run(_ input: UnsafeRawBufferPointer) {
        let source = text(input)
        check { () throws(ConfigErrors) in _ = try ConfigFile.parse(source, file: "fuzz.yml") }
        check { () throws(ConfigErrors) in _ = try StrictYAMLDecoder().decode(AgentConfiguration.self, from: source, file: "fuzz.yml") }
        check { () throws(ConfigErrors) in _ = try StrictYAMLDecoder().decode(ProbeModulesFile.self, from: source, file: "fuzz.yml") }
    }

    private static func check(_ decode: () throws(ConfigErrors) -> Void) {
        do {
            try decode()
        } catch {
            invariant(!error.errors.isEmpty, "refused without an error")
            for problem in error.errors {
                invariant(problem.line.map { $0 >= 1 } ?? true, "error on line \(String(describing: problem.line)): \(problem)")
            }
        }
    }
}
