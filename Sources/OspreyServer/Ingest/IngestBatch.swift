import OspreyConfig
import OspreyFormats
import OspreyModel
import OspreyStorage

/// The samples of one push, staged compactly (a series index, a timestamp and a value per
/// sample; labels once per series) until the whole body has parsed, then committed at once, so
/// a push is stored whole or not at all.
struct IngestBatch {
    let limits: IngestConfiguration
    /// Labels every series of the push gets, over its own (`extra_label`, pushgateway groups).
    let overrides: [Label]
    private var seriesByKey: [RawSeriesKey: Int32] = [:]
    private(set) var series: [Labels] = []
    private var seriesIndex: [Int32] = []
    private var timestamps: [Timestamp] = []
    private var values: [Double] = []

    init(limits: IngestConfiguration, overrides: [Label] = []) {
        self.limits = limits
        self.overrides = overrides
    }

    var sampleCount: Int { values.count }

    /// Stages a block parsed on its own: its series are found or added once, its samples
    /// appended with their series renumbered.
    mutating func merge(_ block: ParsedBlock) throws(APIError) {
        guard values.count + block.values.count <= limits.maxSamplesPerRequest else {
            throw .tooLarge("request has more than ingest.max_samples_per_request (\(limits.maxSamplesPerRequest)) samples")
        }
        var renumbered: [Int32] = []
        renumbered.reserveCapacity(block.keys.count)
        for (offset, key) in block.keys.enumerated() {
            let raw = RawSeriesKey(ArraySlice(key))
            if let known = seriesByKey[raw] {
                renumbered.append(known)
            } else {
                let labels: Labels
                do {
                    labels = try ExpositionParser.labels(ofSeries: ArraySlice(key), format: .text)
                } catch {
                    throw .badData("line \(block.firstLines[offset]): \(error.reason)")
                }
                let index = try add(series: labels, line: block.firstLines[offset])
                seriesByKey[raw] = index
                renumbered.append(index)
            }
        }
        seriesIndex.reserveCapacity(seriesIndex.count + block.seriesIndex.count)
        for index in block.seriesIndex { seriesIndex.append(renumbered[Int(index)]) }
        timestamps.append(contentsOf: block.timestamps)
        values.append(contentsOf: block.values)
    }

    /// Stages a sample of a series given by its labels.
    mutating func add(_ labels: Labels, timestamp: Timestamp, value: Double, line: Int) throws(APIError) {
        try stage(try add(series: labels, line: line), timestamp, value)
    }

    private mutating func stage(_ index: Int32, _ timestamp: Timestamp, _ value: Double) throws(APIError) {
        guard values.count < limits.maxSamplesPerRequest else {
            throw .tooLarge("request has more than ingest.max_samples_per_request (\(limits.maxSamplesPerRequest)) samples")
        }
        seriesIndex.append(index)
        timestamps.append(timestamp)
        values.append(value)
    }

    private mutating func add(series labels: Labels, line: Int) throws(APIError) -> Int32 {
        var labels = labels
        for label in overrides { labels = labels.setting(label.name, to: label.value) }
        guard labels.count <= limits.maxLabelsPerSeries else {
            throw .badData("line \(line): series \(labels) has \(labels.count) labels, over ingest.max_labels_per_series (\(limits.maxLabelsPerSeries))")
        }
        if let long = labels.first(where: { $0.name.utf8.count > limits.maxLabelNameLength }) {
            throw .badData("line \(line): series \(labels): label name \"\(long.name.prefix(64))…\" is longer than ingest.max_label_name_length (\(limits.maxLabelNameLength))")
        }
        if let long = labels.first(where: { $0.value.utf8.count > limits.maxLabelValueLength }) {
            throw .badData("line \(line): series \(labels.name ?? ""): value of label \"\(long.name)\" is longer than ingest.max_label_value_length (\(limits.maxLabelValueLength))")
        }
        series.append(labels)
        return Int32(series.count - 1)
    }

    /// Stores everything staged in one commit, or nothing.
    func commit(to storage: some Appendable) throws(APIError) {
        guard !values.isEmpty else { return }
        var appender = storage.appender()
        appender.reserveCapacity(values.count)
        var refs = [SeriesRef?](repeating: nil, count: series.count)
        do throws(StorageError) {
            for position in values.indices {
                let index = Int(seriesIndex[position])
                if let ref = refs[index] {
                    try appender.append(ref, timestamp: timestamps[position], value: values[position])
                } else {
                    refs[index] = try appender.append(series[index], timestamp: timestamps[position], value: values[position])
                }
            }
            try appender.commit()
        } catch {
            appender.rollback()
            switch error {
            case .closed, .io: throw .unavailable("storage could not take the push: \(error)")
            default: throw .badData("\(error)")
            }
        }
    }
}
