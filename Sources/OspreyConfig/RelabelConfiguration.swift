import OspreyModel

/// What a relabelling step does, as Prometheus names it.
public enum RelabelAction: String, Codable, Sendable, CaseIterable {
    case replace, keep, drop, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase, keepequal, dropequal

    /// Prometheus reads the action in any case: `Keep` and `KEEP` are `keep`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let action = RelabelAction(rawValue: text.lowercased()) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown relabel action \"\(text)\", not one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        self = action
    }
}

/// One step of `relabel_configs` or `metric_relabel_configs`, in Prometheus's shape and with its
/// defaults: separator `;`, regex `(.*)` (anchored at both ends), replacement `$1`, action `replace`.
public struct RelabelConfiguration: Codable, Equatable, Sendable {
    public var sourceLabels: [String]
    public var separator: String
    public var targetLabel: String?
    /// The pattern as written; matching anchors it at both ends, as Prometheus does.
    public var regex: String
    public var modulus: UInt64?
    public var replacement: String
    public var action: RelabelAction

    public init(
        sourceLabels: [String] = [], separator: String = ";", targetLabel: String? = nil, regex: String = "(.*)",
        modulus: UInt64? = nil, replacement: String = "$1", action: RelabelAction = .replace
    ) {
        self.sourceLabels = sourceLabels
        self.separator = separator
        self.targetLabel = targetLabel
        self.regex = regex
        self.modulus = modulus
        self.replacement = replacement
        self.action = action
    }

    enum CodingKeys: String, CodingKey {
        case sourceLabels = "source_labels"
        case separator
        case targetLabel = "target_label"
        case regex, modulus, replacement, action
    }

    /// Reads a step as Prometheus's `relabel.Config.UnmarshalYAML` does, then checks it as its
    /// `Validate` does.
    ///
    /// A key given with no value (`regex:`) is Go's zero value there, not the default: an empty
    /// regex (which matches only the empty string), separator or replacement, and an action
    /// that is refused as empty.
    public init(from decoder: any Decoder) throws {
        let defaults = RelabelConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let sourceLabels = try container.field([String].self, .sourceLabels)
        let separator = try container.field(String.self, .separator)
        let targetLabel = try container.field(String.self, .targetLabel)
        let regex = try container.field(String.self, .regex)
        let modulus = try container.field(UInt64.self, .modulus)
        let replacement = try container.field(String.self, .replacement)
        let action = try container.field(RelabelAction.self, .action)
        self.init(
            sourceLabels: sourceLabels.value(absent: defaults.sourceLabels, null: []),
            separator: separator.value(absent: defaults.separator, null: ""),
            targetLabel: targetLabel.givenValue,
            regex: regex.value(absent: defaults.regex, null: ""),
            modulus: modulus.givenValue,
            replacement: replacement.value(absent: defaults.replacement, null: ""),
            action: action.value(absent: defaults.action, null: defaults.action))

        // A refused value is already reported; checking the rest against a stand-in would only
        // add errors about values the file does not hold.
        let fields: [any ReadOutcome] = [sourceLabels, separator, targetLabel, regex, modulus, replacement, action]
        guard !fields.contains(where: \.wasRefused) else { return }
        let refusal: String? =
            if case .null = action {
                "relabel action cannot be empty"
            } else {
                // Prometheus tells `source_labels: []` from no source labels at all.
                firstProblem(sourceLabelsGiven: sourceLabels.wasGiven)
            }
        if let refusal {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: refusal))
        }
    }

    /// Why Prometheus would refuse this step, or nil when it is valid.
    public var problem: String? {
        firstProblem(sourceLabelsGiven: !sourceLabels.isEmpty)
    }

    /// The checks of Prometheus's `relabel.Config.Validate`, in its order, after the regex check
    /// its decoding makes first; the first failing one is the answer, as in Prometheus.
    private func firstProblem(sourceLabelsGiven: Bool) -> String? {
        do {
            _ = try GoRegex.anchored(regex)
        } catch {
            return "invalid 'regex' \"\(regex)\" for \(action.rawValue) action: \(error.description)"
        }
        let target = targetLabel ?? ""
        let defaults = RelabelConfiguration()
        let hasDefaultModulus = (modulus ?? 0) == 0
        let needsTarget: Set<RelabelAction> = [.replace, .hashmod, .lowercase, .uppercase, .keepequal, .dropequal]
        let namesTarget: Set<RelabelAction> = [.hashmod, .lowercase, .uppercase, .keepequal, .dropequal]
        let copiesValue: Set<RelabelAction> = [.lowercase, .uppercase, .keepequal, .dropequal]

        if action == .hashmod, hasDefaultModulus {
            return "relabel configuration for hashmod action requires a non-zero 'modulus'"
        }
        if needsTarget.contains(action), target.isEmpty {
            return "relabel configuration for \(action.rawValue) action requires 'target_label' value"
        }
        if action == .replace {
            let isValid = target.contains("$") ? LabelNameTemplate.isValid(target) : MetricNames.isValidLabelName(target)
            if !isValid { return "\"\(target)\" is invalid 'target_label' for replace action" }
        }
        if namesTarget.contains(action), !MetricNames.isValidLabelName(target) {
            return "\"\(target)\" is invalid 'target_label' for \(action.rawValue) action"
        }
        if copiesValue.contains(action), replacement != defaults.replacement {
            return "'replacement' can not be set for \(action.rawValue) action"
        }
        if action == .labelmap, !LabelNameTemplate.isValid(replacement) {
            return "\"\(replacement)\" is invalid 'replacement' for labelmap action"
        }
        if action == .keepequal || action == .dropequal,
            regex != defaults.regex || !hasDefaultModulus || separator != defaults.separator
        {
            return "\(action.rawValue) action requires only 'source_labels' and 'target_label', and no other fields"
        }
        if action == .labeldrop || action == .labelkeep,
            sourceLabelsGiven || !target.isEmpty || !hasDefaultModulus || separator != defaults.separator
                || replacement != defaults.replacement
        {
            return "\(action.rawValue) action requires only 'regex', and no other fields"
        }
        return nil
    }
}

/// How one key of a relabelling step read: Prometheus gives absent and null keys different values.
private enum Field<Value>: ReadOutcome {
    case absent
    /// Written with no value, or `null`.
    case null
    case given(Value)
    /// A value of the wrong kind; the decoder has reported it.
    case refused

    func value(absent: Value, null: Value) -> Value {
        switch self {
        case .absent, .refused: absent
        case .null: null
        case .given(let value): value
        }
    }

    /// The value written, nil when there is none; for keys whose default is none.
    var givenValue: Value? {
        if case .given(let value) = self { return value }
        return nil
    }

    var wasGiven: Bool { givenValue != nil }

    var wasRefused: Bool {
        if case .refused = self { return true }
        return false
    }
}

/// Lets fields of different types be checked together.
private protocol ReadOutcome {
    var wasRefused: Bool { get }
}

extension KeyedDecodingContainer where Key == RelabelConfiguration.CodingKeys {
    fileprivate func field<Value: Decodable>(_ type: Value.Type, _ key: Key) throws -> Field<Value> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        guard let value = try decodeIfPresent(type, forKey: key) else { return .refused }
        return .given(value)
    }
}

/// Prometheus's `relabelTarget` pattern, `^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$`, which a
/// label name with `$1`, `${1}`, `$name` or `${name}` references in it must match. Checked by hand:
/// that pattern's nested repetition would backtrack for ages in Swift's engine on a long bad name.
enum LabelNameTemplate {
    /// A letter, `_` or a reference first, then word characters and references.
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$") {
                guard let end = referenceEnd(bytes, dollar: index) else { return false }
                index = end
            } else if index == 0
                ? MetricNames.isNameStart(bytes[index], allowColon: false)
                : MetricNames.isNameContinuation(bytes[index], allowColon: false)
            {
                index += 1
            } else {
                return false
            }
        }
        return !bytes.isEmpty
    }

    /// Where the reference at `dollar` ends: `$` and word characters, or `$` and word characters
    /// in braces; nil when neither follows.
    private static func referenceEnd(_ bytes: [UInt8], dollar: Int) -> Int? {
        let isBraced = dollar + 1 < bytes.count && bytes[dollar + 1] == UInt8(ascii: "{")
        let nameStart = dollar + (isBraced ? 2 : 1)
        var end = nameStart
        while end < bytes.count, MetricNames.isNameContinuation(bytes[end], allowColon: false) { end += 1 }
        guard end > nameStart else { return nil }
        if isBraced {
            guard end < bytes.count, bytes[end] == UInt8(ascii: "}") else { return nil }
            return end + 1
        }
        return end
    }
}
