import OspreyModel

/// What a relabelling step does, as Prometheus names it.
public enum RelabelAction: String, Codable, Sendable, CaseIterable {
    case replace, keep, drop, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase, keepequal, dropequal
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

    public init(from decoder: any Decoder) throws {
        let defaults = RelabelConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sourceLabels = try container.decodeIfPresent([String].self, forKey: .sourceLabels) ?? defaults.sourceLabels
        separator = try container.decodeIfPresent(String.self, forKey: .separator) ?? defaults.separator
        targetLabel = try container.decodeIfPresent(String.self, forKey: .targetLabel)
        regex = try container.decodeIfPresent(String.self, forKey: .regex) ?? defaults.regex
        modulus = try container.decodeIfPresent(UInt64.self, forKey: .modulus)
        replacement = try container.decodeIfPresent(String.self, forKey: .replacement) ?? defaults.replacement
        action = try container.decodeIfPresent(RelabelAction.self, forKey: .action) ?? defaults.action
    }
}
