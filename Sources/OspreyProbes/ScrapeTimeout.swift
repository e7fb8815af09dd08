import OspreyModel

/// How long a probe asked for by a scrape of `/probe` may take, as blackbox exporter decides:
/// the scraper's `X-Prometheus-Scrape-Timeout-Seconds` less a half-second margin for the
/// answer to travel (120 s when the header is missing), or the module's own timeout when that
/// is shorter.
public enum ScrapeTimeout {
    public static let margin = 0.5

    public struct Unreadable: Error, CustomStringConvertible {
        public var header: String
        public var description: String { "Failed to parse timeout from Prometheus header: \"\(header)\" is not a number of seconds" }
    }

    public static func probeTimeout(header: String?, module: Duration?) throws(Unreadable) -> Duration {
        var scrapeSeconds = 120.0
        if let header, !header.isEmpty {
            guard let seconds = Double(header), seconds.isFinite else { throw Unreadable(header: header) }
            if seconds != 0 { scrapeSeconds = seconds }
        }
        let available = scrapeSeconds - margin
        let moduleSeconds = module?.seconds ?? 0
        let seconds = (moduleSeconds > 0 && moduleSeconds < available) || available < 0 ? moduleSeconds : available
        // The header is the client's: past 292 years (what 64 bits of nanoseconds hold) means
        // no limit, not a trap.
        let nanoseconds = (seconds * 1e9).rounded()
        guard nanoseconds < 0x1p63 else { return .nanoseconds(Int64.max) }
        return .nanoseconds(nanoseconds >= -0x1p63 ? Int64(nanoseconds) : Int64.min)
    }
}
