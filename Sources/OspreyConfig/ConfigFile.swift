import Foundation

/// Reads and checks `osprey.yml`.
public enum ConfigFile {
    /// Loads a config file; every problem in it is reported at once.
    public static func load(path: String) throws(ConfigErrors) -> OspreyConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigErrors([ConfigError(file: path, line: nil, key: "", message: "cannot read the file: \(error.localizedDescription)")])
        }
        return try parse(text, file: path)
    }

    /// Decodes config text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigErrors) -> OspreyConfiguration {
        try StrictYAMLDecoder().decode(OspreyConfiguration.self, from: text, file: file)
    }
}
