import OspreyConfig
import OspreyFormats
import OspreyModel
import OspreyStorage

/// The samples of one push, handed to a storage appender as each block parses (so staging,
/// series lookup and the WAL record's encoding overlap the body's arrival) and committed once
/// the whole body has parsed: a push is stored whole or not at all.
public struct IngestBatch {
    public let limits: IngestConfiguration
    /// Where the push counts the memory its staging keeps.
    public let memory: IngestMemory.Account?
    /// Labels every series of the push gets, over its own (`extra_label`, pushgateway groups).
    public let overrides: [Label]
    private var appender: any Appender
    /// The push's text-format series by their bytes, and where each stands in `series`.
    private var seriesByKey = SeriesKeyTable()
    private var seriesOfKey: [Int32] = []
    public private(set) var series: [Labels] = []
    /// The storage's reference for each series once its first sample is in.
    private var refs: [SeriesRef?] = []
    public private(set) var sampleCount = 0
    /// What the appender's staging held when last counted against `memory`.
    private var stagedCounted = 0

    public init(limits: IngestConfiguration, memory: IngestMemory.Account? = nil, overrides: [Label] = [], appender: any Appender) {
        self.limits = limits
        self.memory = memory
        self.overrides = overrides
        self.appender = appender
    }

    /// Stages a block parsed on its own: its series are found or added once, its samples
    /// appended in the order of the body.
    public mutating func merge(_ block: ParsedBlock) throws(IngestError) {
        try count(block.values.count)
        appender.updateMetadata(block.metadata)
        var renumbered: [Int32] = []
        renumbered.reserveCapacity(block.keys.count)
        for offset in 0..<block.keys.count {
            let key = block.keys.key(offset)
            let (number, isNew) = key.withUnsafeBufferPointer { seriesByKey.number(of: $0) }
            if isNew {
                let labels: Labels
                do {
                    labels = try ExpositionParser.labels(ofSeries: key, format: .text)
                } catch {
                    throw .badData("line \(block.firstLines[offset]): \(error.reason)")
                }
                seriesOfKey.append(try add(series: labels, line: block.firstLines[offset]))
            }
            renumbered.append(seriesOfKey[Int(number)])
        }
        try reserve(block.values.count)
        for position in block.values.indices {
            let index = Int(renumbered[Int(block.seriesIndex[position])])
            try stage(index, block.timestamps[position], block.values[position])
        }
        try countStaged()
    }

    /// Stages a sample of a series given by its labels.
    public mutating func add(_ labels: Labels, timestamp: Timestamp, value: Double, line: Int) throws(IngestError) {
        try count(1)
        try stage(Int(try add(series: labels, line: line)), timestamp, value)
        try countStaged()
    }

    private mutating func count(_ samples: Int) throws(IngestError) {
        guard sampleCount + samples <= limits.maxSamplesPerRequest else {
            throw .tooLarge("request has more than ingest.max_samples_per_request (\(limits.maxSamplesPerRequest)) samples")
        }
        sampleCount += samples
    }

    /// Makes room in staging for `samples` more, counted against the memory of pushes in flight
    /// before it is taken.
    private mutating func reserve(_ samples: Int) throws(IngestError) {
        try countStaged(appender.stagedBytes(reserving: samples))
        appender.reserveCapacity(samples)
    }

    /// Counts staging at `bytes` (what it holds now, by default) against the memory of pushes in
    /// flight; entries larger than `reserve` expected are counted here. Most calls count nothing.
    private mutating func countStaged(_ bytes: Int? = nil) throws(IngestError) {
        guard let memory else { return }
        let staged = bytes ?? appender.stagedBytes
        guard staged > stagedCounted else { return }
        try memory.take(staged - stagedCounted)
        stagedCounted = staged
    }

    @inline(__always)
    private mutating func stage(_ index: Int, _ timestamp: Timestamp, _ value: Double) throws(IngestError) {
        do throws(StorageError) {
            if let ref = refs[index] {
                try appender.append(ref, timestamp: timestamp, value: value)
            } else {
                refs[index] = try appender.append(series[index], timestamp: timestamp, value: value)
            }
        } catch {
            throw Self.ingestError(error)
        }
    }

    private mutating func add(series labels: Labels, line: Int) throws(IngestError) -> Int32 {
        var labels = labels
        for label in overrides { labels = labels.setting(label.name, to: label.value) }
        guard labels.count <= limits.maxLabelsPerSeries else {
            throw .badData(
                "line \(line): series \(labels) has \(labels.count) labels, over ingest.max_labels_per_series (\(limits.maxLabelsPerSeries))")
        }
        if let long = labels.first(where: { $0.name.utf8.count > limits.maxLabelNameLength }) {
            throw .badData(
                "line \(line): series \(labels): label name \"\(long.name.prefix(64))…\" is longer than ingest.max_label_name_length (\(limits.maxLabelNameLength))"
            )
        }
        if let long = labels.first(where: { $0.value.utf8.count > limits.maxLabelValueLength }) {
            throw .badData(
                "line \(line): series \(labels.name ?? ""): value of label \"\(long.name)\" is longer than ingest.max_label_value_length (\(limits.maxLabelValueLength))"
            )
        }
        // The series' labels as the batch keeps them, and what a Labels and its strings cost besides.
        try memory?.take(labels.reduce(64) { $0 + 32 + $1.name.utf8.count + $1.value.utf8.count })
        series.append(labels)
        refs.append(nil)
        return Int32(series.count - 1)
    }

    /// Stores everything staged in one commit, or nothing.
    public mutating func commit() throws(IngestError) {
        do throws(StorageError) {
            try appender.commit()
        } catch {
            appender.rollback()
            throw Self.ingestError(error)
        }
    }

    /// Drops everything staged.
    public mutating func rollback() {
        appender.rollback()
    }

    private static func ingestError(_ error: StorageError) -> IngestError {
        switch error {
        case .closed, .io: .unavailable("storage could not take the push: \(error)", retryAfterSeconds: 5)
        default: .badData("\(error)")
        }
    }
}
