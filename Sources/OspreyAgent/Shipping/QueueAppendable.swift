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
    private let series = SeriesTable()

    public init(queue: SampleQueue, externalLabels: Labels) {
        self.queue = queue
        self.externalLabels = externalLabels
    }

    public func appender() -> any Appender {
        QueueAppender(queue: queue, externalLabels: externalLabels, series: series)
    }
}

/// Every series appended so far, by reference: the labels as shipped, external labels added.
final class SeriesTable: Sendable {
    private struct State {
        var labels: [Labels] = []
        var refs: [Labels: SeriesRef] = [:]
    }

    private let state = Mutex(State())

    func ref(for labels: Labels) -> SeriesRef {
        state.withLock { state in
            if let ref = state.refs[labels] { return ref }
            state.labels.append(labels)
            let ref = SeriesRef(Int64(state.labels.count))
            state.refs[labels] = ref
            return ref
        }
    }

    func labels(of ref: SeriesRef) -> Labels? {
        state.withLock { state in
            ref.id >= 1 && ref.id <= Int64(state.labels.count) ? state.labels[Int(ref.id - 1)] : nil
        }
    }
}

struct QueueAppender: Appender {
    let queue: SampleQueue
    let externalLabels: Labels
    let series: SeriesTable
    private var text: [UInt8] = []
    private var samples = 0
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

    mutating func commit() throws(StorageError) {
        defer { rollback() }
        do {
            try queue.enqueue(text, samples: samples)
        } catch {
            throw .io(error.description)
        }
    }

    mutating func rollback() {
        text = []
        samples = 0
    }

    mutating func reserveCapacity(_ samples: Int) {
        text.reserveCapacity(samples * 64)
    }
}
