import Foundation
import OspreyModel

/// A silence as a client submits it (Alertmanager's `postableSilence`): with an `id`, it
/// replaces that silence.
public struct PostableSilence: Sendable, Hashable {
    public var id: String?
    public var matchers: [SilenceMatcher]
    public var startsAt: Date
    public var endsAt: Date
    public var createdBy: String
    public var comment: String

    public init(
        id: String? = nil, matchers: [SilenceMatcher], startsAt: Date, endsAt: Date, createdBy: String,
        comment: String
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// Checks the silence as Alertmanager does before storing it, and compiles its matchers;
    /// the error names the first problem.
    func validated(at now: Date) throws(SilenceError) -> [LabelMatcher] {
        guard !matchers.isEmpty else { throw .invalid("at least one matcher required") }
        var compiled: [LabelMatcher] = []
        for (index, matcher) in matchers.enumerated() {
            guard MetricNames.isValidLabelName(matcher.name) else {
                throw .invalid("invalid label matcher \(index): invalid label name \"\(matcher.name)\"")
            }
            do {
                compiled.append(try matcher.labelMatcher())
            } catch {
                throw .invalid("invalid label matcher \(index): \(error)")
            }
        }
        guard !compiled.allSatisfy(\.matchesEmpty) else {
            throw .invalid("at least one matcher must not match the empty string")
        }
        guard startsAt < endsAt else { throw .invalid("start time must be before end time") }
        guard endsAt >= now else { throw .invalid("end time can't be in the past") }
        return compiled
    }
}
