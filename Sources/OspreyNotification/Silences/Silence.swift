import Foundation
import OspreyModel

/// One condition of a silence, as Alertmanager's API spells it: `isRegex` and `isEqual` pick
/// among `=`, `!=`, `=~` and `!~`.
public struct SilenceMatcher: Sendable, Hashable, Codable {
    public var name: String
    public var value: String
    public var isRegex: Bool
    public var isEqual: Bool

    public init(name: String, value: String, isRegex: Bool = false, isEqual: Bool = true) {
        self.name = name
        self.value = value
        self.isRegex = isRegex
        self.isEqual = isEqual
    }

    /// `isRegex` may be left out (a literal) and so may `isEqual` (true), as Alertmanager allows.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        value = try container.decode(String.self, forKey: .value)
        isRegex = try container.decodeIfPresent(Bool.self, forKey: .isRegex) ?? false
        isEqual = try container.decodeIfPresent(Bool.self, forKey: .isEqual) ?? true
    }

    public var kind: LabelMatcher.Kind {
        switch (isRegex, isEqual) {
        case (false, true): .equal
        case (false, false): .notEqual
        case (true, true): .regex
        case (true, false): .notRegex
        }
    }

    /// The matcher as label sets are tested with, its regex compiled (anchored, RE2 syntax).
    public func labelMatcher() throws(LabelMatcher.InvalidRegex) -> LabelMatcher {
        try LabelMatcher(kind, name, value)
    }
}

/// Where a silence is in its life: not started yet, muting, or over.
public enum SilenceState: String, Sendable, Hashable, Codable {
    case pending
    case active
    case expired
}

/// A silence as Alertmanager keeps it: alerts whose labels satisfy every matcher are not
/// notified from `startsAt` until `endsAt`.
public struct Silence: Sendable, Hashable, Identifiable {
    /// A UUID, in lowercase text.
    public var id: String
    public var matchers: [SilenceMatcher]
    public var startsAt: Date
    public var endsAt: Date
    public var createdBy: String
    public var comment: String
    public var updatedAt: Date

    public init(
        id: String, matchers: [SilenceMatcher], startsAt: Date, endsAt: Date, createdBy: String, comment: String,
        updatedAt: Date
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
        self.updatedAt = updatedAt
    }

    /// Pending before `startsAt`, active from `startsAt` until `endsAt`, expired from `endsAt` on.
    public func state(at now: Date) -> SilenceState {
        if now < startsAt { return .pending }
        if now < endsAt { return .active }
        return .expired
    }
}
