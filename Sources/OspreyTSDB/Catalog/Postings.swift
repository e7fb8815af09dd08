/// Sorted lists of series ids and the set operations selects combine them with.
enum Postings {
    static func intersect(_ a: [Int64], _ b: [Int64]) -> [Int64] {
        var result: [Int64] = []
        result.reserveCapacity(min(a.count, b.count))
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                result.append(a[i])
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return result
    }

    static func union(_ lists: [[Int64]]) -> [Int64] {
        guard lists.count > 1 else { return lists.first ?? [] }
        var merged = lists.flatMap { $0 }
        merged.sort()
        var result: [Int64] = []
        result.reserveCapacity(merged.count)
        for id in merged where result.last != id { result.append(id) }
        return result
    }

    /// Ids of `a` that are not in `b`.
    static func subtract(_ a: [Int64], _ b: [Int64]) -> [Int64] {
        guard !b.isEmpty else { return a }
        var result: [Int64] = []
        result.reserveCapacity(a.count)
        var j = 0
        for id in a {
            while j < b.count, b[j] < id { j += 1 }
            if j < b.count, b[j] == id { continue }
            result.append(id)
        }
        return result
    }
}
