import Foundation
import Yams

/// Reads and checks `osprey.yml` and the agent's `agent.yml`.
public enum ConfigFile {
    /// Loads a config file; every problem in it is reported at once.
    public static func load(path: String) throws(ConfigErrors) -> OspreyConfiguration {
        try parse(try read(path), file: path)
    }

    /// Decodes config text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigErrors) -> OspreyConfiguration {
        try StrictYAMLDecoder().decode(OspreyConfiguration.self, from: text, file: file)
    }

    /// Loads an agent config (`agent.yml`); every problem in it is reported at once.
    public static func loadAgent(path: String) throws(ConfigErrors) -> AgentConfiguration {
        try parseAgent(try read(path), file: path)
    }

    /// Decodes agent config text; `file` names it in errors.
    public static func parseAgent(_ text: String, file: String) throws(ConfigErrors) -> AgentConfiguration {
        try StrictYAMLDecoder().decode(AgentConfiguration.self, from: text, file: file)
    }

    /// Which program a config file is for, from its top-level keys: one that only the agent has
    /// (`server`, `buffer`, `collectors`...) makes it an agent config. Unreadable text counts as a
    /// server config, whose check then reports why.
    public static func kind(of text: String) -> Kind {
        guard case .mapping(let mapping)? = try? Yams.compose(yaml: text) else { return .server }
        let keys = Set(mapping.keys.compactMap(\.string))
        return keys.isDisjoint(with: Self.agentOnlyKeys) ? .server : .agent
    }

    public enum Kind: String, Sendable {
        case server, agent
    }

    /// Top-level keys of `agent.yml` that `osprey.yml` does not have.
    static let agentOnlyKeys: Set<String> = ["server", "token", "token_file", "interval", "collectors", "buffer", "batch", "listen"]

    /// A config file's text; a file that cannot be read is a config error naming it.
    public static func read(_ path: String) throws(ConfigErrors) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigErrors([ConfigError(file: path, line: nil, key: "", message: "cannot read the file: \(error.localizedDescription)")])
        }
    }
}
