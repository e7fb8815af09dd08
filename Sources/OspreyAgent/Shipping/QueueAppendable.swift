import OspreyFormats
import OspreyModel
import OspreyStorage
import Synchronization

/// The agent's side of the storage seam: scrapes, probes and host collectors append here as
/// they would to the server's storage, and each committed batch becomes one queued batch in
/// text format, every sample with its own timestamp and the agent's external labels.
///
/// Staleness markers are not shipped: the text format has no way to tell them from NaN, so
/// the server's own lookback ends a series that stopped.
public struct QueueAppendable: Appendable {
    let queue: SampleQueue
    let externalLabels: Labels
    /// References outlive one appender (a scrape loop keeps them from scrape to scrape).
    let series: SeriesTable

    /// Series unused for 10 to 20 minutes are forgotten.
    public init(queue: SampleQueue, externalLabels: Labels) {
        self.init(queue: queue, externalLabels: externalLabels, series: SeriesTable(idleLimit: .seconds(600)))
    }

    init(queue: SampleQueue, externalLabels: Labels, series: SeriesTable) {
        self.queue = queue
        self.externalLabels = externalLabels
        self.series = series
    }

    public func appender() -> any Appender {
        QueueAppender(queue: queue, externalLabels: externalLabels, series: series)
    }
}

/// The series in use, by reference: the labels as shipped, external labels added.
///
/// Series that churn (a pod's, a process's) would grow the table without end, so it keeps two
/// generations: every `idleLimit` the older one is dropped, and a series used since moves to
/// the newer one. A forgotten reference is refused, and its user appends by labels again.
final class SeriesTable: Sendable {
    private struct Generation {
        var labels: [Int64: Labels] = [:]
        var refs: [Labels: SeriesRef] = [:]

        mutating func insert(_ labels: Labels, as ref: SeriesRef) {
            self.labels[ref.id] = labels
            refs[labels] = ref
        }

        mutating func remove(_ labels: Labels, as ref: SeriesRef) {
            self.labels[ref.id] = nil
            refs[labels] = nil
        }
    }

    private struct State {
        var current = Generation()
        var previous = Generation()
        var lastID: Int64 = 0
        var turnedAt: ContinuousClock.Instant

        /// A series of the older generation used again moves to the newer; the two stay apart.
        mutating func promote(_ labels: Labels, as ref: SeriesRef) {
            previous.remove(labels, as: ref)
            current.insert(labels, as: ref)
        }
    }

    private let state: Mutex<State>
    private let idleLimit: Duration
    private let now: @Sendable () -> ContinuousClock.Instant

    init(idleLimit: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.idleLimit = idleLimit
        self.now = now
        self.state = Mutex(State(turnedAt: now()))
    }

    /// How many series are remembered.
    var count: Int {
        state.withLock { $0.current.labels.count + $0.previous.labels.count }
    }

    func ref(for labels: Labels) -> SeriesRef {
        let instant = now()
        return state.withLock { state in
            turnIfDue(&state, at: instant)
            if let ref = state.current.refs[labels] { return ref }
            if let ref = state.previous.refs[labels] {
                state.promote(labels, as: ref)
                return ref
            }
            state.lastID += 1
            let ref = SeriesRef(state.lastID)
            state.current.insert(labels, as: ref)
            return ref
        }
    }

    func labels(of ref: SeriesRef) -> Labels? {
        let instant = now()
        return state.withLock { state in
            turnIfDue(&state, at: instant)
            if let labels = state.current.labels[ref.id] { return labels }
            guard let labels = state.previous.labels[ref.id] else { return nil }
            state.promote(labels, as: ref)
            return labels
        }
    }

    private func turnIfDue(_ state: inout State, at instant: ContinuousClock.Instant) {
        guard instant - state.turnedAt >= idleLimit else { return }
        // Idle for two limits: nothing has been used since the last turn either.
        state.previous = instant - state.turnedAt >= idleLimit * 2 ? Generation() : state.current
        state.current = Generation()
        state.turnedAt = instant
    }
}

struct QueueAppender: Appender {
    let queue: SampleQueue
    let externalLabels: Labels
    let series: SeriesTable
    private var text: [UInt8] = []
    private var samples = 0
    private var metadata: [String: MetricMetadata] = [:]
    private let writer = ExpositionWriter(format: .text)

    init(queue: SampleQueue, externalLabels: Labels, series: SeriesTable) {
        self.queue = queue
        self.externalLabels = externalLabels
        self.series = series
    }

    mutating func append(_ labels: Labels, timestamp: Timestamp, value: Double) throws(StorageError) -> SeriesRef {
        guard labels.name?.isEmpty == false else { throw .invalidLabels(labels: labels, reason: "no metric name") }
        // External labels never replace a label the series has, as in Prometheus.
        var full = labels
        for label in externalLabels where labels[label.name] == nil {
            full = full.setting(label.name, to: label.value)
        }
        let ref = series.ref(for: full)
        try append(ref, timestamp: timestamp, value: value)
        return ref
    }

    mutating func append(_ ref: SeriesRef, timestamp: Timestamp, value: Double) throws(StorageError) {
        guard let labels = series.labels(of: ref) else { throw .unknownSeries(ref) }
        if value.isStaleMarker { return }
        writer.write(FamilySample(labels: labels, value: value, timestamp: timestamp), into: &text)
        samples += 1
    }

    /// Queued with the batch; the shipper sends it ahead of the next push's samples.
    mutating func updateMetadata(_ metadata: [String: MetricMetadata]) {
        self.metadata.merge(metadata) { $0.merging($1) }
    }

    mutating func commit() throws(StorageError) {
        defer { rollback() }
        do {
            try queue.enqueue(text, samples: samples, metadata: metadata)
        } catch {
            throw .io(error.description)
        }
    }

    mutating func rollback() {
        text = []
        samples = 0
        metadata = [:]
    }

    mutating func reserveCapacity(_ samples: Int) {
        text.reserveCapacity(stagedBytes(reserving: samples))
    }

    var stagedBytes: Int { text.capacity }

    /// A sample line takes about 64 bytes of text.
    func stagedBytes(reserving samples: Int) -> Int { max(text.capacity, text.count + samples * 64) }
}
