import OspreyModel

/// Every series' labels and the postings that find them: label name → value → sorted series ids.
/// Ids are handed out in increasing order, so appending keeps each postings list sorted.
struct SeriesIndex {
    private(set) var labelsByID: [Int64: Labels] = [:]
    private var idsByLabels: [Labels: Int64] = [:]
    /// Label name → value → ids, sorted. Values are keyed by their bytes: Prometheus tells `é`
    /// from `e` with a combining accent, which Swift's string equality would merge.
    private var postings: [String: [ExactValue: [Int64]]] = [:]
    private var allIDs: [Int64] = []
    private(set) var maxID: Int64 = 0

    var count: Int { allIDs.count }

    func id(of labels: Labels) -> Int64? { idsByLabels[labels] }

    func labels(of id: Int64) -> Labels? { labelsByID[id] }

    mutating func insert(_ labels: Labels, id: Int64) {
        precondition(id > maxID, "series ids must increase")
        maxID = id
        labelsByID[id] = labels
        idsByLabels[labels] = id
        allIDs.append(id)
        for label in labels {
            postings[label.name, default: [:]][ExactValue(label.value), default: []].append(id)
        }
    }

    /// Ids of the series every matcher accepts, sorted.
    func select(_ matchers: [LabelMatcher]) -> [Int64] {
        var result: [Int64]?
        // Matchers that refuse the empty value name series that must have the label: their
        // postings narrow the result. The others remove series whose value they refuse.
        for matcher in matchers where !matcher.matchesEmpty {
            let ids = Postings.union(matchingValues(matcher).compactMap { postings[matcher.name]?[$0] })
            result = result.map { Postings.intersect($0, ids) } ?? ids
            if result?.isEmpty == true { return [] }
        }
        var ids = result ?? allIDs
        for matcher in matchers where matcher.matchesEmpty {
            guard let values = postings[matcher.name] else { continue }
            let refused = values.keys.filter { !matcher.matches($0.text) }.compactMap { values[$0] }
            ids = Postings.subtract(ids, Postings.union(refused))
        }
        return ids
    }

    /// The values of the matcher's label that it accepts, using the shape of the regex to avoid
    /// testing every value where it can.
    private func matchingValues(_ matcher: LabelMatcher) -> [ExactValue] {
        guard let values = postings[matcher.name] else { return [] }
        if let literals = matcher.literalAlternatives {
            return literals.map(ExactValue.init).filter { values[$0] != nil }
        }
        if let prefix = matcher.literalPrefix {
            // The prefix narrows the values to test; `.*` still must match the rest (it stops at
            // a newline).
            return values.keys.filter { $0.text.utf8.starts(with: prefix.utf8) && matcher.matches($0.text) }
        }
        return values.keys.filter { matcher.matches($0.text) }
    }

    /// The label names of the series `ids` (every series when nil) that `isWanted` keeps. Without
    /// ids the postings are walked, and each name stops at its first wanted series.
    func labelNames(of ids: [Int64]?, where isWanted: (Int64) -> Bool) -> [String] {
        guard let ids else {
            return postings.compactMap { name, values in
                values.values.contains { $0.contains(where: isWanted) } ? name : nil
            }.sorted()
        }
        var names = Set<String>()
        for id in ids where isWanted(id) { labelsByID[id]?.forEach { names.insert($0.name) } }
        return names.sorted()
    }

    /// The values of label `name` among the series `ids` (every series when nil) that
    /// `isWanted` keeps.
    func labelValues(_ name: String, of ids: [Int64]?, where isWanted: (Int64) -> Bool) -> [String] {
        guard let ids else {
            return (postings[name] ?? [:]).compactMap { value, ids in ids.contains(where: isWanted) ? value.text : nil }.sorted()
        }
        var values = Set<String>()
        for id in ids where isWanted(id) { if let value = labelsByID[id]?[name] { values.insert(value) } }
        return values.sorted()
    }
}

/// A label value compared and hashed by its UTF-8 bytes.
struct ExactValue: Hashable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: ExactValue, rhs: ExactValue) -> Bool { sameBytes(lhs.text, rhs.text) }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
