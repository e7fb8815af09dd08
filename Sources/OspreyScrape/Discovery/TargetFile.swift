import Foundation
import OspreyConfig
import OspreyModel
import Yams

/// Prometheus's target file format: a JSON (`.json`) or YAML (`.yml`, `.yaml`) list of
/// `{targets, labels}` entries. Each entry becomes one group sourced `<path>:<index>`, its group
/// labels carrying `__meta_filepath` as Prometheus's file discovery sets it.
enum TargetFile {
    /// The groups written in the file at `path`.
    static func groups(at path: String) throws(TargetFileError) -> [TargetGroup] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        return try groups(parsing: data, path: path)
    }

    /// The groups in `data`, read as the format `path`'s extension names.
    private static func groups(parsing data: Data, path: String) throws(TargetFileError) -> [TargetGroup] {
        var groups: [TargetGroup] = []
        for (index, entry) in try entries(in: data, path: path).enumerated() {
            groups.append(try group(entry, index: index, path: path))
        }
        return groups
    }

    private static func entries(in data: Data, path: String) throws(TargetFileError) -> [TargetFileEntry] {
        let name = path.lowercased()
        if name.hasSuffix(".json") {
            do {
                // A file holding just `null` is no groups in Go's decoder, not an error.
                return try JSONDecoder().decode([TargetFileEntry]?.self, from: data) ?? []
            } catch {
                throw .malformed(file: path, reason: "invalid JSON: \(describe(error, in: data))")
            }
        }
        guard name.hasSuffix(".yml") || name.hasSuffix(".yaml") else { throw .unsupportedExtension(file: path) }
        guard let text = String(data: data, encoding: .utf8) else { throw .malformed(file: path, reason: "not UTF-8 text") }
        if isEmptyYAML(text) { return [] }
        do {
            // The config's strict decoder: unknown keys and wrong types come back with their line.
            return try StrictYAMLDecoder().decode([TargetFileEntry].self, from: text, file: path)
        } catch {
            throw .malformed(file: path, reason: error.errors.map(describe).joined(separator: "; "))
        }
    }

    /// An empty (or `null`) YAML document is no groups to Prometheus; the strict decoder would
    /// read it as an empty mapping and refuse it.
    private static func isEmptyYAML(_ text: String) -> Bool {
        do {
            guard let root = try Yams.compose(yaml: text) else { return true }
            return root.null != nil
        } catch {
            // Malformed: the decoder reports it with its line.
            return false
        }
    }

    private static func group(_ entry: TargetFileEntry, index: Int, path: String) throws(TargetFileError) -> TargetGroup {
        if let key = entry.unknownKeys.first {
            throw .invalidEntry(file: path, index: index, reason: "unknown key \"\(key)\" (an entry has only targets and labels)")
        }
        if let name = entry.labels.keys.sorted().first(where: { !MetricNames.isValidLabelName($0) }) {
            throw .invalidEntry(file: path, index: index, reason: "\"\(name)\" is not a valid label name")
        }
        if let position = entry.targets.firstIndex(where: \.isEmpty) {
            throw .invalidEntry(file: path, index: index, reason: "target \(position) is empty")
        }
        return TargetGroup(
            source: "\(path):\(index)",
            targets: entry.targets.map { Labels([Label(TargetLabelNames.address, $0)]) },
            labels: Labels(entry.labels).setting(FileDiscovery.filePathLabel, to: path))
    }

    /// A YAML error without the file, which the caller's error names already.
    private static func describe(_ error: ConfigError) -> String {
        let place = [error.line.map { "line \($0)" }, error.key.isEmpty ? nil : error.key].compactMap { $0 }
        return place.isEmpty ? error.message : "\(place.joined(separator: ", ")): \(error.message)"
    }

    /// A JSON error as where (`[0].labels.env`) and what, without `DecodingError`'s dump.
    private static func describe(_ error: any Error, in data: Data) -> String {
        let context: DecodingError.Context
        switch error as? DecodingError {
        case .dataCorrupted(let found), .typeMismatch(_, let found), .valueNotFound(_, let found), .keyNotFound(_, let found):
            context = found
        default: return "\(error)"
        }
        let detail = context.underlyingError.map { "\($0)" } ?? (context.codingPath.isEmpty ? syntaxProblem(in: data) : nil)
        let what = detail.map { "\(context.debugDescription) (\($0))" } ?? context.debugDescription
        return context.codingPath.isEmpty ? what : "\(place(context.codingPath)): \(what)"
    }

    /// Where the JSON breaks. Foundation's decoder on Linux says only that it is not valid JSON;
    /// `JSONSerialization` names the character, so a file already found bad is parsed once more.
    private static func syntaxProblem(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        }
    }

    private static func place(_ path: [any CodingKey]) -> String {
        path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
    }
}
