import OspreyModel

/// Every series' labels and the postings that find them: label name → value → sorted series ids.
/// Ids are handed out in increasing order, so appending keeps each postings list sorted. Names
/// and values are keyed by their bytes: Prometheus tells `é` from `e` with a combining accent,
/// which Swift's string equality would merge.
///
/// Regex matching never runs here: the index lives under the storage lock that writers need, so a
/// select copies the values it must test (`values(of:from:)`), tests them outside the lock, and
/// comes back with their positions (`ValueScan`).
struct SeriesIndex {
    private(set) var labelsByID: [Int64: Labels] = [:]
    private var idsByLabels: [Labels: Int64] = [:]
    private var postings: [ExactString: LabelPostings] = [:]
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
            postings[ExactString(label.name), default: LabelPostings()].add(label.value, id: id)
        }
    }

    /// The values of label `name` from position `start` on, in the order they first appeared: a
    /// copy to test outside the lock. Values are only ever added, so positions stay valid.
    func values(of name: String, from start: Int) -> [String] {
        guard let values = postings[ExactString(name)]?.values, start < values.count else { return [] }
        return Array(values[start...])
    }

    /// Ids of the series every matcher accepts, sorted, from a scan that has tested every value
    /// of the matchers' labels (`scan.isComplete(for: self)`).
    func select(_ scan: ValueScan) -> [Int64] {
        var result: [Int64]?
        // Matchers that refuse the empty value name series that must have the label: their
        // postings narrow the result. The others remove series whose value they refuse.
        for (index, matcher) in scan.matchers.enumerated() where !matcher.matchesEmpty {
            let ids = postings[ExactString(matcher.name)]?.ids(at: scan.decisivePositions(of: index, in: self)) ?? []
            result = result.map { Postings.intersect($0, ids) } ?? ids
            if result?.isEmpty == true { return [] }
        }
        var ids = result ?? allIDs
        for (index, matcher) in scan.matchers.enumerated() where matcher.matchesEmpty {
            guard let values = postings[ExactString(matcher.name)] else { continue }
            ids = Postings.subtract(ids, values.ids(at: scan.decisivePositions(of: index, in: self)))
        }
        return ids
    }

    /// The position of `value` among the values of label `name`.
    func position(of value: String, name: String) -> Int? {
        postings[ExactString(name)]?.position(of: value)
    }

    /// The label names of the series `ids` (every series when nil) that `isWanted` keeps, in
    /// byte order. Without ids the postings are walked, and each name stops at its first wanted series.
    func labelNames(of ids: [Int64]?, where isWanted: (Int64) -> Bool) -> [String] {
        guard let ids else {
            return postings.compactMap { name, values in
                values.containsSeries(where: isWanted) ? name : nil
            }.sorted().map(\.text)
        }
        var names = Set<ExactString>()
        for id in ids where isWanted(id) { labelsByID[id]?.forEach { names.insert(ExactString($0.name)) } }
        return names.sorted().map(\.text)
    }

    /// The values of label `name` among the series `ids` (every series when nil) that
    /// `isWanted` keeps, in byte order.
    func labelValues(_ name: String, of ids: [Int64]?, where isWanted: (Int64) -> Bool) -> [String] {
        guard let ids else {
            return (postings[ExactString(name)]?.values(where: isWanted) ?? []).sortedByBytes()
        }
        var values = Set<ExactString>()
        for id in ids where isWanted(id) { if let value = labelsByID[id]?[name] { values.insert(ExactString(value)) } }
        return values.sorted().map(\.text)
    }
}

/// One label name's values, in the order they first appeared, and each value's series ids.
struct LabelPostings {
    /// Append-only, so a position names the same value for the life of the index.
    private(set) var values: [String] = []
    private var idsByPosition: [[Int64]] = []
    private var positions: [ExactString: Int] = [:]

    mutating func add(_ value: String, id: Int64) {
        let key = ExactString(value)
        if let position = positions[key] {
            idsByPosition[position].append(id)
        } else {
            positions[key] = values.count
            values.append(value)
            idsByPosition.append([id])
        }
    }

    func position(of value: String) -> Int? { positions[ExactString(value)] }

    /// The sorted union of the ids of the values at `positions`.
    func ids(at positions: [Int]) -> [Int64] {
        Postings.union(positions.compactMap { $0 < idsByPosition.count ? idsByPosition[$0] : nil })
    }

    func containsSeries(where isWanted: (Int64) -> Bool) -> Bool {
        idsByPosition.contains { $0.contains(where: isWanted) }
    }

    func values(where isWanted: (Int64) -> Bool) -> [String] {
        zip(values, idsByPosition).compactMap { value, ids in ids.contains(where: isWanted) ? value : nil }
    }
}
