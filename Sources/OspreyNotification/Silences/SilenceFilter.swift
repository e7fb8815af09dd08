import Foundation
import OspreyModel

/// The `filter` of Alertmanager's silence listing: matchers such as `alertname="Down"` or
/// `job=~"api.*"`, tested against the silences' own matchers rather than against alerts.
public struct SilenceFilter: Sendable {
    public var matchers: [LabelMatcher]

    public init(_ matchers: [LabelMatcher] = []) {
        self.matchers = matchers
    }

    /// Parses each text as one matcher (`name="value"`, the value quoted or bare).
    public init(parsing texts: [String]) throws(SilenceError) {
        matchers = []
        for text in texts { matchers.append(try Self.parse(text)) }
    }

    /// Whether the silence's matchers, read as a label set (name to value or pattern), satisfy
    /// every filter matcher; a filter for the empty value also accepts a silence without that name.
    public func accepts(_ silence: Silence) -> Bool {
        var values: [String: String] = [:]
        for matcher in silence.matchers { values[matcher.name] = matcher.value }
        return matchers.allSatisfy { filter in
            let value = values[filter.name]
            let negative = filter.kind == .notEqual || filter.kind == .notRegex
            if filter.value.isEmpty, (value != nil) == negative { return true }
            return filter.matches(value ?? "")
        }
    }

    static func parse(_ text: String) throws(SilenceError) -> LabelMatcher {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let body = trimmed.hasPrefix("{") && trimmed.hasSuffix("}") ? String(trimmed.dropFirst().dropLast()) : trimmed
        guard let operatorRange = body.firstRange(of: /=~|!~|!=|=/) else {
            throw .invalid("bad matcher format: \(text)")
        }
        let name = body[..<operatorRange.lowerBound].trimmingCharacters(in: .whitespaces)
        var value = body[operatorRange.upperBound...].trimmingCharacters(in: .whitespaces)
        guard MetricNames.isValidLabelName(name) else { throw .invalid("bad matcher format: \(text)") }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            value = try unquote(String(value.dropFirst().dropLast()), in: text)
        }
        let kind = LabelMatcher.Kind(rawValue: String(body[operatorRange])) ?? .equal
        do {
            return try LabelMatcher(kind, name, value)
        } catch {
            throw .invalid("bad matcher format: \(text): \(error)")
        }
    }

    private static func unquote(_ quoted: String, in text: String) throws(SilenceError) -> String {
        var result = ""
        var escaping = false
        for character in quoted {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\\", "\"": result.append(character)
                default: throw .invalid("bad matcher format: \(text): invalid escape \\\(character)")
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        guard !escaping else { throw .invalid("bad matcher format: \(text): unterminated escape") }
        return result
    }
}
