import OspreyConfig
import OspreyGoCompat
import OspreyModel

/// One relabelling step, ready to run: Prometheus's `relabel.relabel` for one config.
struct RelabelStep: Sendable {
    private let action: RelabelAction
    private let sourceLabels: [String]
    private let separator: String
    private let targetLabel: String
    private let regex: RelabelRegex
    private let modulus: UInt64
    private let replacement: String

    init(_ config: RelabelConfiguration) {
        action = config.action
        sourceLabels = config.sourceLabels
        separator = config.separator
        targetLabel = config.targetLabel ?? ""
        regex = RelabelRegex(config.regex)
        modulus = config.modulus ?? 0
        replacement = config.replacement
    }

    /// Applies the step; false when it drops the label set.
    func apply(to labels: inout RelabelBuilder) -> Bool {
        switch action {
        case .keep:
            return regex.matches(sourceValue(labels))
        case .drop:
            return !regex.matches(sourceValue(labels))
        case .keepequal:
            return sameBytes(labels.value(of: targetLabel), sourceValue(labels))
        case .dropequal:
            return !sameBytes(labels.value(of: targetLabel), sourceValue(labels))
        case .replace:
            replace(in: &labels)
        case .lowercase:
            labels.set(targetLabel, to: GoCaseMapping.lowercased(sourceValue(labels)))
        case .uppercase:
            labels.set(targetLabel, to: GoCaseMapping.uppercased(sourceValue(labels)))
        case .hashmod:
            // Decoding refuses a zero modulus; one built in code leaves the labels alone.
            guard modulus > 0 else { break }
            labels.set(targetLabel, to: String(Self.hash(sourceValue(labels)) % modulus))
        case .labelmap:
            for label in labels.current {
                if let match = regex.match(label.name) {
                    labels.set(GoRegexExpansion.expand(replacement, match: match), to: label.value)
                }
            }
        case .labeldrop:
            for label in labels.current where regex.matches(label.name) {
                labels.remove(label.name)
            }
        case .labelkeep:
            for label in labels.current where !regex.matches(label.name) {
                labels.remove(label.name)
            }
        }
        return true
    }

    /// The source labels' values joined by the separator, a missing label counting as "".
    private func sourceValue(_ labels: RelabelBuilder) -> String {
        if sourceLabels.count == 1 { return labels.value(of: sourceLabels[0]) }
        return sourceLabels.map { labels.value(of: $0) }.joined(separator: separator)
    }

    /// Sets the expanded target to the expanded replacement when the regex matches; a target
    /// that expands to an invalid name is skipped, and an empty replacement removes the target.
    private func replace(in labels: inout RelabelBuilder) {
        guard let match = regex.match(sourceValue(labels)) else { return }
        let target = GoRegexExpansion.expand(targetLabel, match: match)
        guard MetricNames.isValidLabelName(target) else { return }
        labels.set(target, to: GoRegexExpansion.expand(replacement, match: match))
    }

    /// The last 8 bytes of the value's MD5 as a big-endian number, as Prometheus hashes.
    private static func hash(_ value: String) -> UInt64 {
        var value = value
        let digest = value.withUTF8 { MD5.digest($0) }
        return digest[8...].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
