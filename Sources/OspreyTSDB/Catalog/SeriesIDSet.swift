/// A set of series ids as a bitmap: ids are dense from 1, and a commit asks of every sample
/// whether its series is in the set, which must cost a load and a shift, not a hash.
struct SeriesIDSet {
    private var words: [UInt64] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    func contains(_ id: Int64) -> Bool {
        let word = Int(id >> 6)
        return id >= 0 && word < words.count && words[word] & (1 << UInt64(id & 63)) != 0
    }

    mutating func insert(_ id: Int64) {
        precondition(id >= 0, "series ids are positive")
        let word = Int(id >> 6)
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word - words.count + 1)) }
        let bit: UInt64 = 1 << UInt64(id & 63)
        if words[word] & bit == 0 {
            words[word] |= bit
            count += 1
        }
    }

    /// Removes `id`; returns whether it was there.
    @discardableResult
    mutating func remove(_ id: Int64) -> Bool {
        guard contains(id) else { return false }
        words[Int(id >> 6)] &= ~(1 << UInt64(id & 63))
        count -= 1
        return true
    }
}
