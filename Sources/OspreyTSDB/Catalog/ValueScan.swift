import OspreyModel
import OspreyStorage

/// Which values of their labels a select's matchers decide, worked out away from the storage lock.
///
/// A regex can take long on a long value (or on many values), and writers wait for the lock the
/// index lives under, so matching must not run under it. A select alternates: under the lock it
/// copies the values it has not tested yet (`untested(in:)`), outside it tests them (`test`),
/// and it goes back until a round finds nothing new, at which moment, still under the lock, the
/// index turns the positions into series ids. The values of a label only grow, so a position once
/// tested keeps its meaning, and each round copies only what writers added since the last.
struct ValueScan {
    let matchers: [LabelMatcher]
    /// Per matcher: its progress through the label's values, or nil when the index answers it by
    /// direct lookup (literal values, `!=`).
    private var progress: [Progress?]

    private struct Progress {
        /// How many of the label's values, in the index's order, have been tested.
        var tested = 0
        /// Positions of the values on which the matcher's answer differs from its answer for the
        /// empty value: those it accepts when it refuses "", those it refuses when it accepts "".
        var decisive: [Int] = []
    }

    /// Values copied from the index for one matcher, starting at position `start`.
    struct Batch {
        var matcher: Int
        var start: Int
        var values: [String]
    }

    init(_ matchers: [LabelMatcher]) {
        self.matchers = matchers
        progress = matchers.map { matcher in Self.lookUpDirectly(matcher) == nil ? Progress() : nil }
    }

    /// The values a matcher decides without testing any: a regex of plain alternatives or `=`
    /// that refuses "", or `!=` a non-empty value (which refuses that value alone).
    private static func lookUpDirectly(_ matcher: LabelMatcher) -> [String]? {
        if !matcher.matchesEmpty { return matcher.literalAlternatives }
        if matcher.kind == .notEqual { return [matcher.value] }
        return nil
    }

    /// The values added to the matchers' labels since the last round; empty when every value
    /// has been tested. Called under the lock: it only copies.
    func untested(in index: SeriesIndex) -> [Batch] {
        var batches: [Batch] = []
        for (position, progress) in progress.enumerated() {
            guard let progress else { continue }
            let values = index.values(of: matchers[position].name, from: progress.tested)
            if !values.isEmpty { batches.append(Batch(matcher: position, start: progress.tested, values: values)) }
        }
        return batches
    }

    /// Tests the copied values, away from the lock; `isInterrupted` is asked before each value, so
    /// a cancelled or timed-out query stops between one value and the next.
    mutating func test(_ batches: [Batch], stoppingIf isInterrupted: () -> Bool) throws(StorageError) {
        for batch in batches {
            let matcher = matchers[batch.matcher]
            let refusesEmpty = !matcher.matchesEmpty
            // Every value a regex with a literal prefix accepts starts with it.
            let prefix = refusesEmpty ? matcher.literalPrefix.map { Array($0.utf8) } : nil
            var decisive: [Int] = []
            for (offset, value) in batch.values.enumerated() {
                if isInterrupted() { throw .interrupted }
                if let prefix, !value.utf8.starts(with: prefix) { continue }
                if matcher.matches(value) == refusesEmpty { decisive.append(batch.start + offset) }
            }
            progress[batch.matcher]?.decisive.append(contentsOf: decisive)
            progress[batch.matcher]?.tested = batch.start + batch.values.count
        }
    }

    /// The positions of the values on which matcher `position` differs from its answer for the
    /// empty value. Called under the lock once `untested(in:)` found nothing.
    func decisivePositions(of position: Int, in index: SeriesIndex) -> [Int] {
        if let progress = progress[position] { return progress.decisive }
        let matcher = matchers[position]
        return (Self.lookUpDirectly(matcher) ?? []).compactMap { index.position(of: $0, name: matcher.name) }
    }
}
