import OspreyModel

/// What an http probe has found so far; becomes blackbox exporter's metrics. A field never
/// reached keeps blackbox's value for it (0, or -1 for an unknown content length).
struct HTTPProbeReport: Sendable {
    enum Phase: String, CaseIterable, Sendable {
        case resolve, connect, tls, processing, transfer
    }

    var phases: [Phase: Duration] = [:]
    var lookupTime: Duration?
    var address: ProbeTargetResolver.Resolution?
    var statusCode = 0
    var contentLength = 0
    var bodyLength = 0
    var redirects = 0
    var ssl = false
    var version = 0.0
    var failedDueToRegex = false
    /// The final answer's `Last-Modified`, when it had one Go's `http.ParseTime` reads.
    var lastModified: Int64?
    var tls: TLSPeerFacts?
    var failure: String?
    var steps: [String] = []

    mutating func add(_ phase: Phase, _ duration: Duration) {
        phases[phase, default: .zero] += max(duration, .zero)
    }

    /// Keeps the first reason: later ones follow from it.
    mutating func fail(_ reason: String) {
        if failure == nil { failure = reason }
        steps.append(reason)
    }

    var metrics: [ProbeMetric] {
        var metrics: [ProbeMetric] = [
            ProbeMetric(
                name: "probe_dns_lookup_time_seconds", value: (lookupTime ?? .zero).seconds,
                help: "Returns the time taken for probe dns lookup in seconds")
        ]
        if let address {
            metrics.append(
                ProbeMetric(
                    name: "probe_ip_protocol", value: Double(address.ipProtocol.number),
                    help: "Specifies whether probe ip protocol is IP4 or IP6"))
            metrics.append(
                ProbeMetric(
                    name: "probe_ip_addr_hash", value: ProbeTargetAddress.hash(address.ip),
                    help: "Specifies the hash of IP address. It's useful to detect if the IP address changes."))
        }
        for phase in Phase.allCases {
            metrics.append(
                ProbeMetric(
                    name: "probe_http_duration_seconds", labels: Labels(["phase": phase.rawValue]),
                    value: (phases[phase] ?? .zero).seconds, help: "Duration of http request by phase, summed over all redirects"))
        }
        metrics += [
            ProbeMetric(name: "probe_http_status_code", value: Double(statusCode), help: "Response HTTP status code"),
            ProbeMetric(name: "probe_http_content_length", value: Double(contentLength), help: "Length of http content response"),
            ProbeMetric(
                name: "probe_http_uncompressed_body_length", value: Double(bodyLength), help: "Length of uncompressed response body"),
            ProbeMetric(name: "probe_http_redirects", value: Double(redirects), help: "The number of redirects"),
            ProbeMetric(name: "probe_http_ssl", value: ssl ? 1 : 0, help: "Indicates if SSL was used for the final redirect"),
            ProbeMetric(name: "probe_http_version", value: version, help: "Returns the version of HTTP of the probe response"),
            ProbeMetric(
                name: "probe_failed_due_to_regex", value: failedDueToRegex ? 1 : 0, help: "Indicates if probe failed due to regex"),
        ]
        if let lastModified {
            metrics.append(
                ProbeMetric(
                    name: "probe_http_last_modified_timestamp_seconds", value: Double(lastModified),
                    help: "Returns the Last-Modified HTTP response header in unixtime"))
        }
        metrics += tls?.metrics ?? []
        return metrics
    }
}
