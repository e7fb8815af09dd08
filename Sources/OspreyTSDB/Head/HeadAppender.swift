import OspreyModel
import OspreyStorage

/// Collects a batch for `MetricsStorage`; nothing reaches the WAL or the head before `commit`.
struct HeadAppender: Appender {
    let storage: MetricsStorage
    let oldestAllowed: Timestamp
    let newestAllowed: Timestamp
    private var record = WriteAheadLog.Record()
    private var metadata: [String: MetricMetadata] = [:]

    init(storage: MetricsStorage, oldestAllowed: Timestamp, newestAllowed: Timestamp) {
        self.storage = storage
        self.oldestAllowed = oldestAllowed
        self.newestAllowed = newestAllowed
    }

    @discardableResult
    mutating func append(_ labels: Labels, timestamp: Timestamp, value: Double) throws(StorageError) -> SeriesRef {
        try checkTime(timestamp) { labels }
        let id = try storage.seriesID(for: labels)
        record.append(WriteAheadLog.Entry(seriesID: id, timestamp: timestamp, value: value))
        return SeriesRef(id)
    }

    /// Refs are checked at commit, where the catalog is at hand anyway, not per sample.
    mutating func append(_ ref: SeriesRef, timestamp: Timestamp, value: Double) throws(StorageError) {
        try checkTime(timestamp) { storage.labels(of: ref.id) ?? Labels() }
        record.append(WriteAheadLog.Entry(seriesID: ref.id, timestamp: timestamp, value: value))
    }

    /// Refuses a sample outside retention, or so far ahead that its shard would never expire.
    private func checkTime(_ timestamp: Timestamp, _ labels: () -> Labels) throws(StorageError) {
        guard timestamp >= oldestAllowed else {
            storage.countRejectedForRetention(1)
            throw .outOfRetention(labels: labels(), timestamp: timestamp, oldestAllowed: oldestAllowed)
        }
        guard timestamp <= newestAllowed else {
            storage.countRejectedInFuture(1)
            throw .tooFarInFuture(labels: labels(), timestamp: timestamp, newestAllowed: newestAllowed)
        }
    }

    mutating func reserveCapacity(_ samples: Int) {
        record.reserveCapacity(samples)
    }

    var stagedBytes: Int { record.heldBytes }

    func stagedBytes(reserving samples: Int) -> Int { record.heldBytes(reserving: samples) }

    mutating func updateMetadata(_ metadata: [String: MetricMetadata]) {
        self.metadata.merge(metadata) { $0.merging($1) }
    }

    mutating func commit() throws(StorageError) {
        defer { rollback() }
        try storage.commit(&record)
        storage.updateMetadata(metadata)
    }

    mutating func rollback() {
        record.removeAll()
        metadata.removeAll()
    }
}
