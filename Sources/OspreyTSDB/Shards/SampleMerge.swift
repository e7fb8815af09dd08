import OspreyModel
import OspreyStorage

/// Merges samples from overlapping sources into one sorted series, one sample per timestamp,
/// the source with the highest sequence winning (last write wins).
enum SampleMerge {
    static func merge(_ sources: [(sequence: Int64, samples: [Sample])]) throws(StorageError) -> [Sample] {
        var replaced = 0
        return merge(sources, replaced: &replaced)
    }

    /// Merges, and adds to `replaced` each sample whose value a later write of the same
    /// timestamp changed (an identical resend is no replacement).
    static func merge(_ sources: [(sequence: Int64, samples: [Sample])], replaced: inout Int) -> [Sample] {
        let nonEmpty = sources.filter { !$0.samples.isEmpty }
        guard nonEmpty.count > 1 else {
            // One source may still be unsorted with repeated timestamps: an out-of-order buffer.
            guard let only = nonEmpty.first?.samples else { return [] }
            return zip(only, only.dropFirst()).allSatisfy({ $0.timestamp < $1.timestamp })
                ? only : stableLastWins([(0, only)], replaced: &replaced)
        }
        // In-order chunks (sequence 0) never overlap each other: sorted by start they concatenate.
        if nonEmpty.allSatisfy({ $0.sequence == 0 }) {
            let ordered = nonEmpty.sorted { ($0.samples.first?.timestamp ?? 0) < ($1.samples.first?.timestamp ?? 0) }
            var result = ordered.flatMap(\.samples)
            if zip(result, result.dropFirst()).allSatisfy({ $0.timestamp < $1.timestamp }) { return result }
            result = stableLastWins(ordered.map { (0, $0.samples) }, replaced: &replaced)
            return result
        }
        return stableLastWins(nonEmpty.sorted { $0.sequence < $1.sequence }, replaced: &replaced)
    }

    /// Sorts by time; for equal timestamps the last in source order (then position) wins.
    private static func stableLastWins(_ sources: [(sequence: Int64, samples: [Sample])], replaced: inout Int) -> [Sample] {
        var tagged: [(sample: Sample, order: Int)] = []
        tagged.reserveCapacity(sources.reduce(0) { $0 + $1.samples.count })
        for source in sources {
            for sample in source.samples {
                tagged.append((sample, tagged.count))
            }
        }
        tagged.sort { $0.sample.timestamp != $1.sample.timestamp ? $0.sample.timestamp < $1.sample.timestamp : $0.order < $1.order }
        var result: [Sample] = []
        result.reserveCapacity(tagged.count)
        for entry in tagged {
            if let last = result.last, last.timestamp == entry.sample.timestamp {
                if last.value.bitPattern != entry.sample.value.bitPattern { replaced += 1 }
                result[result.count - 1] = entry.sample
            } else {
                result.append(entry.sample)
            }
        }
        return result
    }
}
