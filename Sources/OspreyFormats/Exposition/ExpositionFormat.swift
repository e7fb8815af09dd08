/// The two Prometheus exposition formats Osprey reads and writes.
public enum ExpositionFormat: Sendable, Hashable, CaseIterable {
    /// Prometheus text format 0.0.4: timestamps in milliseconds, blank lines and free spacing allowed.
    case text
    /// OpenMetrics 1.0: timestamps in seconds, exemplars, `# UNIT`, ends with `# EOF`.
    case openMetrics

    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// The format a `Content-Type` header names; text format when absent or unknown, as Prometheus
    /// falls back to it.
    public init(contentType: String?) {
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: " \t").lowercased()
        self = mediaType == "application/openmetrics-text" ? .openMetrics : .text
    }

    /// The format to answer a scrape with, from its `Accept` header: OpenMetrics only when asked for.
    public init(accept: String?) {
        let wantsOpenMetrics = accept?.split(separator: ",").contains { part in
            part.split(separator: ";").first?.trimmingCharacters(in: " \t").lowercased() == "application/openmetrics-text"
        }
        self = wantsOpenMetrics == true ? .openMetrics : .text
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
