import Logging
import OspreyModel
import OspreyStorage

/// The series Prometheus writes for every scrape of a target, with the target's labels:
/// `up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
/// `scrape_samples_post_metric_relabeling` and `scrape_series_added`.
struct ReportSeries {
    static let names = [
        "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
        "scrape_series_added",
    ]

    private let labels: [Labels]
    private var refs: [SeriesRef?]

    init(target: Labels) {
        labels = Self.names.map { target.setting(Labels.metricName, to: $0) }
        refs = Array(repeating: nil, count: Self.names.count)
    }

    mutating func append(
        up: Bool, duration: Double, counts: ScrapeCounts, at timestamp: Timestamp, to appender: inout any Appender,
        logger: Logger
    ) {
        let values = [
            up ? 1 : 0, duration, Double(counts.scraped), Double(counts.postRelabel), Double(counts.added),
        ]
        do throws(StorageError) {
            try append(values, at: timestamp, to: &appender)
        } catch {
            logger.error("report series not stored", metadata: ["series": "\(labels[0])", "error": "\(error)"])
        }
    }

    /// Whether any report series has been stored, so that there is something to end.
    var wereWritten: Bool { refs.contains { $0 != nil } }

    /// Ends the report series when the target is gone.
    mutating func appendStale(at timestamp: Timestamp, to appender: inout any Appender) {
        try? append(Array(repeating: .staleMarker, count: labels.count), at: timestamp, to: &appender)
    }

    private mutating func append(_ values: [Double], at timestamp: Timestamp, to appender: inout any Appender)
        throws(StorageError)
    {
        for index in labels.indices {
            refs[index] = try appender.append(refs[index], labels: labels[index], timestamp: timestamp, value: values[index])
        }
    }
}
