import Foundation
import OspreyConfig

/// A Prometheus rule file: `groups:` of recording and alerting rules.
public struct RuleFile: Sendable, Hashable {
    public var path: String
    public var groups: [RuleGroupDefinition]

    public init(path: String, groups: [RuleGroupDefinition]) {
        self.path = path
        self.groups = groups
    }

    /// Reads and checks a rule file: YAML, expressions and templates, every problem reported with
    /// its line, as `promtool check rules` does.
    public static func load(path: String) throws(ConfigErrors) -> RuleFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigErrors([ConfigError(file: path, line: nil, key: "", message: "cannot read the file: \(error.localizedDescription)")])
        }
        return try parse(text, file: path)
    }

    /// Checks rule file text; `file` names it in errors and in the loaded groups.
    public static func parse(_ text: String, file: String) throws(ConfigErrors) -> RuleFile {
        let document = try StrictYAMLDecoder().decode(RuleFileDocument.self, from: text, file: file)
        return RuleFile(path: file, groups: document.groups)
    }

    /// The number of rules across all groups.
    public var ruleCount: Int { groups.reduce(0) { $0 + $1.rules.count } }
}

/// The YAML document of a rule file; an empty file has no groups.
struct RuleFileDocument: Decodable {
    var groups: [RuleGroupDefinition]

    enum CodingKeys: String, CodingKey { case groups }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        groups = try container.decodeIfPresent([RuleGroupDefinition].self, forKey: .groups) ?? []
        var seen: Set<String> = []
        for group in groups where !seen.insert(group.name).inserted {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "groupname: \"\(group.name)\" is repeated in the same file"))
        }
    }
}

extension RuleFile {
    /// Loads every file `patterns` (the config's `rule_files`) name; the errors of all of them
    /// are reported at once.
    public static func loadAll(_ patterns: [String], relativeTo directory: String?) throws(ConfigErrors) -> [RuleFile] {
        var files: [RuleFile] = []
        var errors: [ConfigError] = []
        for path in RuleFilePaths.expand(patterns, relativeTo: directory) {
            do {
                files.append(try load(path: path))
            } catch {
                errors += error.errors
            }
        }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return files
    }
}
