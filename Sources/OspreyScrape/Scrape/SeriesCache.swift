import OspreyFormats
import OspreyModel
import OspreyStorage

/// What a scrape loop remembers of its target's series between scrapes, as Prometheus's
/// scrape cache does: each series' final labels (nil when metric relabelling drops it) and
/// storage reference, found by the series' bytes, and which series the last scrape had, so
/// that those missing from the next one get a staleness marker.
struct SeriesCache {
    struct Entry {
        /// After target labels and metric relabelling; nil when dropped.
        var labels: Labels?
        var ref: SeriesRef?
    }

    private(set) var keys = SeriesKeyTable()
    private var entries: [Entry] = []
    /// The scrape each series was last seen in, to tell a repeated line and a returning series.
    private var lastSeen: [Int] = []
    private var scrape = 0
    /// Series of the last successful scrape, and of the one in progress.
    private(set) var previous: [Int32] = []
    private var current: [Int32] = []
    /// The target's families as its last scrape described them, so the storage hears of changes
    /// only, and the digest of the comment lines they came from, so they are rebuilt only then.
    var metadata: [String: MetricMetadata] = [:]
    var commentDigest: UInt64?
    /// When the metadata last went to the storage whole: an agent's server learns it again
    /// every `MetricMetadata.resendInterval`, should it have been another server, or lost it.
    var metadataSentAt: ContinuousClock.Instant?

    var count: Int { entries.count }

    mutating func beginScrape() {
        scrape += 1
        current.removeAll(keepingCapacity: true)
        compactIfGrown()
    }

    /// The next sample of a scrape body, its series numbered by this cache.
    mutating func nextSample(_ parser: inout ExpositionParser) throws(ExpositionError) -> NumberedSample? {
        try parser.nextSample(numbering: &keys)
    }

    /// The entry of a series, made with `make` the first time its bytes are seen.
    mutating func entry(_ number: Int32, make: (ArraySlice<UInt8>) -> Labels?) -> Entry {
        let index = Int(number)
        while entries.count <= index {
            entries.append(Entry(labels: make(keys.key(entries.count)), ref: nil))
            lastSeen.append(0)
        }
        return entries[index]
    }

    /// Notes the series as part of this scrape; false when this scrape had it already.
    /// `wasInPrevious` says whether the last scrape had it (else it is added, for `scrape_series_added`).
    mutating func markSeen(_ number: Int32) -> (first: Bool, wasInPrevious: Bool) {
        let index = Int(number)
        guard lastSeen[index] != scrape else { return (false, true) }
        let wasInPrevious = lastSeen[index] == scrape - 1 && scrape > 1
        lastSeen[index] = scrape
        current.append(number)
        return (true, wasInPrevious)
    }

    mutating func remember(_ ref: SeriesRef, for number: Int32) {
        entries[Int(number)].ref = ref
    }

    /// Series the last scrape had and this one has not.
    var vanished: [Int32] {
        previous.filter { lastSeen[Int($0)] != scrape }
    }

    func labels(of number: Int32) -> Labels? { entries[Int(number)].labels }
    func ref(of number: Int32) -> SeriesRef? { entries[Int(number)].ref }

    /// Ends a scrape whose samples were stored: its series are the ones to compare the next to.
    mutating func commitScrape() {
        swap(&previous, &current)
        current.removeAll(keepingCapacity: true)
    }

    /// Ends a failed scrape: every series of the last one has been marked stale.
    mutating func failScrape() {
        previous.removeAll()
        current.removeAll()
        // A failed scrape's refs may belong to a rolled-back append.
        for index in entries.indices { entries[index].ref = nil }
        // So is its metadata: the next scrape gives it again.
        metadata.removeAll()
        commentDigest = nil
        metadataSentAt = nil
        scrape += 1
    }

    /// Forgets series that left long ago once the cache holds over twice what scrapes carry:
    /// a target that churns series must not grow it without end.
    private mutating func compactIfGrown() {
        guard entries.count > 2 * previous.count + 1024 else { return }
        var fresh = SeriesCache()
        fresh.scrape = scrape
        for number in previous {
            let (renumbered, _) = keys.key(Int(number)).withUnsafeBufferPointer { fresh.keys.number(of: $0) }
            fresh.entries.append(entries[Int(number)])
            fresh.lastSeen.append(scrape - 1)
            fresh.previous.append(renumbered)
        }
        self = fresh
    }
}
