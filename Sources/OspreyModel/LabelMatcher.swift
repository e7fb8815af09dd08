/// A condition on one label, as in a PromQL selector: `=`, `!=`, `=~`, `!~`. A missing label
/// counts as the empty value, so `{foo=""}` matches series without `foo`.
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case regex = "=~"
        case notRegex = "!~"
    }

    public let kind: Kind
    public let name: String
    public let value: String
    private let pattern: AnchoredPattern?

    public struct InvalidRegex: Error, CustomStringConvertible {
        public var pattern: String
        public var reason: String
        public var description: String { "invalid regular expression \"\(pattern)\": \(reason)" }
    }

    public init(_ kind: Kind, _ name: String, _ value: String) throws(InvalidRegex) {
        self.kind = kind
        self.name = name
        self.value = value
        switch kind {
        case .equal, .notEqual: pattern = nil
        case .regex, .notRegex: pattern = try AnchoredPattern(value)
        }
    }

    public static func equal(_ name: String, _ value: String) -> LabelMatcher {
        LabelMatcher(uncheckedKind: .equal, name, value)
    }

    public static func notEqual(_ name: String, _ value: String) -> LabelMatcher {
        LabelMatcher(uncheckedKind: .notEqual, name, value)
    }

    private init(uncheckedKind kind: Kind, _ name: String, _ value: String) {
        self.kind = kind
        self.name = name
        self.value = value
        self.pattern = nil
    }

    /// Whether a label value (empty when the label is missing) satisfies the matcher.
    public func matches(_ labelValue: String) -> Bool {
        switch kind {
        case .equal: sameBytes(labelValue, value)
        case .notEqual: !sameBytes(labelValue, value)
        case .regex: pattern?.matches(labelValue) ?? false
        case .notRegex: !(pattern?.matches(labelValue) ?? false)
        }
    }

    /// `matches(_:)` on a value's UTF-8 bytes read in place, with no `String` made.
    public func matches(utf8 labelValue: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .equal: labelValue.elementsEqual(value.utf8)
        case .notEqual: !labelValue.elementsEqual(value.utf8)
        case .regex: pattern?.matches(utf8: labelValue) ?? false
        case .notRegex: !(pattern?.matches(utf8: labelValue) ?? false)
        }
    }

    /// Whether the empty value matches: then series without the label match too.
    public var matchesEmpty: Bool { matches("") }

    /// For `=~"a|b|c"` made of plain literals, the exact values it accepts, so an index can look
    /// them up instead of testing every value.
    public var literalAlternatives: [String]? {
        switch kind {
        case .equal: [value]
        case .regex: pattern?.literalAlternatives
        default: nil
        }
    }

    /// For `=~"prefix.*"`, the literal prefix every accepted value starts with.
    public var literalPrefix: String? {
        kind == .regex ? pattern?.literalPrefix : nil
    }

    public var description: String { "\(name)\(kind.rawValue)\"\(escapingLabelValue(value))\"" }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.kind == rhs.kind && lhs.name == rhs.name && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(name)
        hasher.combine(value)
    }
}

extension Labels {
    /// Whether every matcher holds for this label set.
    public func matches(_ matchers: [LabelMatcher]) -> Bool {
        matchers.allSatisfy { $0.matches(self[$0.name] ?? "") }
    }
}

/// A regular expression matched against whole values, as Prometheus anchors label regexes.
private struct AnchoredPattern: Sendable {
    private let regex: GoRegex
    let literalAlternatives: [String]?
    let literalPrefix: String?

    private static let metacharacters = Set(#"\^$.|?*+()[]{}"#)

    init(_ source: String) throws(LabelMatcher.InvalidRegex) {
        do {
            regex = try GoRegex.anchored(source)
        } catch {
            throw LabelMatcher.InvalidRegex(pattern: source, reason: error.description)
        }
        let isLiteral = { (text: Substring) in !text.contains { Self.metacharacters.contains($0) } }
        let branches = source.split(separator: "|", omittingEmptySubsequences: false)
        literalAlternatives = branches.allSatisfy(isLiteral) ? branches.map(String.init) : nil
        if source.hasSuffix(".*"), isLiteral(source.dropLast(2)) {
            literalPrefix = String(source.dropLast(2))
        } else {
            literalPrefix = nil
        }
    }

    func matches(_ value: String) -> Bool {
        regex.matches(value)
    }

    func matches(utf8 value: UnsafeBufferPointer<UInt8>) -> Bool {
        regex.matches(utf8: value)
    }
}
