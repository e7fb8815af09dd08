import OspreyModel

/// Something that takes samples: the one write interface every ingest path goes through.
public protocol Appendable: Sendable {
    func appender() -> any Appender
}

/// A batch of samples that is stored whole or not at all.
///
/// `append` checks each sample at once (a series over the cardinality limit, a timestamp outside
/// retention) and throws for that sample alone; the rest of the batch stays. `commit` makes the
/// batch durable before it returns; `rollback` drops it.
public protocol Appender {
    /// Adds a sample; returns a reference that makes the next append of the same series cheaper.
    @discardableResult
    mutating func append(_ labels: Labels, timestamp: Timestamp, value: Double) throws(StorageError) -> SeriesRef

    /// Adds a sample to a series already referenced by an earlier append. A reference this
    /// storage never handed out fails the commit with `unknownSeries`; one it has forgotten
    /// fails here, at once, with `unknownSeries`.
    mutating func append(_ ref: SeriesRef, timestamp: Timestamp, value: Double) throws(StorageError)

    mutating func commit() throws(StorageError)
    mutating func rollback()

    /// Room for this many more samples, when the caller knows the batch's size.
    mutating func reserveCapacity(_ samples: Int)

    /// The memory what is staged and not yet committed holds, buffers' spare room included: what
    /// a caller that bounds the memory of batches in flight counts.
    var stagedBytes: Int { get }

    /// What `stagedBytes` would be once `reserveCapacity(samples)` has made its room, so that a
    /// caller can count the memory before it is taken.
    func stagedBytes(reserving samples: Int) -> Int

    /// Notes what families' `# TYPE`, `# HELP` and `# UNIT` say, in force from the commit.
    mutating func updateMetadata(_ metadata: [String: MetricMetadata])
}

extension Appender {
    public mutating func reserveCapacity(_ samples: Int) {}

    /// Storages that keep no metadata ignore it.
    public mutating func updateMetadata(_ metadata: [String: MetricMetadata]) {}

    /// Appends by `ref` when the caller kept one, else by `labels` (only then worked out);
    /// returns the reference to keep for the next sample. A storage may forget series that went idle (the agent's does) and
    /// then refuses their old reference at once; the sample then goes in by its labels.
    public mutating func append(
        _ ref: SeriesRef?, labels: @autoclosure () -> Labels, timestamp: Timestamp, value: Double
    ) throws(StorageError) -> SeriesRef {
        if let ref {
            do throws(StorageError) {
                try append(ref, timestamp: timestamp, value: value)
                return ref
            } catch .unknownSeries {
                // Forgotten: fall through to the labels.
            }
        }
        return try append(labels(), timestamp: timestamp, value: value)
    }
}

/// A stored series' identity inside one storage.
public struct SeriesRef: Hashable, Sendable, Comparable {
    public let id: Int64
    public init(_ id: Int64) { self.id = id }
    public static func < (lhs: SeriesRef, rhs: SeriesRef) -> Bool { lhs.id < rhs.id }
}
