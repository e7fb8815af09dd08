import Foundation
import OspreyConfig
import OspreyModel

/// One endpoint to scrape, as relabelling left it: the labels its series get, where to fetch,
/// and how often.
public struct ScrapeTarget: Sendable, Hashable {
    /// The labels discovery gave it, before relabelling (`__address__`, `__meta_*`, …).
    public var discoveredLabels: Labels
    /// The labels every series of the target gets (`job`, `instance`, …), `__` ones removed.
    public var labels: Labels
    public var url: String
    public var interval: Duration
    public var timeout: Duration

    /// A hash that is the same in every run for the same target, so its scrapes keep their
    /// place in the interval across restarts (Prometheus hashes labels and URL likewise).
    public var stableHash: UInt64 {
        var hash = FNV1a()
        for label in labels {
            hash.add(label.name)
            hash.add(label.value)
        }
        hash.add(url)
        return hash.value
    }
}

/// A target that relabelling dropped, or that could not be built, kept for `/api/v1/targets`.
public struct DroppedTarget: Sendable, Hashable {
    public var discoveredLabels: Labels
}

extension ScrapeTarget {
    /// The targets of a job's discovered groups, as Prometheus's `PopulateLabels` makes them:
    /// group labels under target labels, the job's defaults for `job`, `__scheme__`,
    /// `__metrics_path__`, `__scrape_interval__`, `__scrape_timeout__` and `__param_*`, then
    /// relabelling; a port added to a bare host (80 or 443, as Prometheus 2 does); `__`
    /// labels removed; `instance` defaulting to the address.
    public static func build(
        job: ScrapeConfiguration, groups: [TargetGroup], relabeler: Relabeler
    ) -> (active: [ScrapeTarget], dropped: [DroppedTarget]) {
        var active: [ScrapeTarget] = []
        var dropped: [DroppedTarget] = []
        // Prometheus tells targets apart by labels and URL only: the same endpoint found twice
        // (say in two target files, differing in `__meta_filepath`) is scraped once.
        var seen: Set<[String]> = []
        for group in groups {
            for target in group.targets {
                var discovered = group.labels
                for label in target { discovered = discovered.setting(label.name, to: label.value) }
                discovered = defaults(of: job, over: discovered)
                if let built = build(from: discovered, params: job.params, relabeler: relabeler) {
                    let identity = built.labels.flatMap { [$0.name, $0.value] } + [built.url]
                    if seen.insert(identity).inserted { active.append(built) }
                } else {
                    dropped.append(DroppedTarget(discoveredLabels: discovered))
                }
            }
        }
        return (active, dropped)
    }

    private static func defaults(of job: ScrapeConfiguration, over labels: Labels) -> Labels {
        var labels = labels
        func setIfAbsent(_ name: String, _ value: String) {
            if labels[name] == nil { labels = labels.setting(name, to: value) }
        }
        setIfAbsent(TargetLabelNames.job, job.jobName)
        setIfAbsent(TargetLabelNames.scrapeInterval, job.scrapeInterval.prometheusString)
        setIfAbsent(TargetLabelNames.scrapeTimeout, job.scrapeTimeout.prometheusString)
        setIfAbsent(TargetLabelNames.metricsPath, job.metricsPath)
        setIfAbsent(TargetLabelNames.scheme, job.scheme)
        for (name, values) in job.params.sorted(by: { $0.key < $1.key }) {
            if let first = values.first { setIfAbsent(TargetLabelNames.paramPrefix + name, first) }
        }
        return labels
    }

    /// The target relabelling leaves of `discovered`, or nil when it drops it or leaves no
    /// usable address, interval or timeout.
    private static func build(from discovered: Labels, params: [String: [String]], relabeler: Relabeler) -> ScrapeTarget? {
        guard var labels = relabeler.process(discovered),
            let address = labels[TargetLabelNames.address], !address.isEmpty,
            let scheme = labels[TargetLabelNames.scheme], scheme == "http" || scheme == "https",
            let interval = labels[TargetLabelNames.scrapeInterval].flatMap({ try? Duration(prometheus: $0) }),
            let timeout = labels[TargetLabelNames.scrapeTimeout].flatMap({ try? Duration(prometheus: $0) }),
            interval > .zero, timeout > .zero, timeout <= interval
        else { return nil }
        let hostPort = withDefaultPort(address, scheme: scheme)
        let path = labels[TargetLabelNames.metricsPath] ?? "/metrics"
        let query = self.query(params: params, labels: labels)
        let url = "\(scheme)://\(hostPort)\(path.hasPrefix("/") ? path : "/" + path)\(query)"
        if labels[TargetLabelNames.instance] == nil {
            labels = labels.setting(TargetLabelNames.instance, to: hostPort)
        }
        // An empty value is an absent label, as everywhere in Prometheus.
        let kept = Labels(labels.filter { !$0.name.hasPrefix("__") && !$0.value.isEmpty })
        return ScrapeTarget(discoveredLabels: discovered, labels: kept, url: url, interval: interval, timeout: timeout)
    }

    /// The URL query as Prometheus's `Target.URL` writes it: the job's `params`, the first value
    /// of each replaced by its `__param_<name>` label (which relabelling may have changed or
    /// added), keys sorted and escaped as Go's `url.Values.Encode` does, so that `+` or `&` in
    /// a value reach the target as written.
    private static func query(params: [String: [String]], labels: Labels) -> String {
        var values = params
        for label in labels where label.name.hasPrefix(TargetLabelNames.paramPrefix) {
            let name = String(label.name.dropFirst(TargetLabelNames.paramPrefix.count))
            if values[name]?.isEmpty == false { values[name]?[0] = label.value } else { values[name] = [label.value] }
        }
        let pairs = values.keys.sorted().flatMap { name in
            (values[name] ?? []).map { goQueryEscape(name) + "=" + goQueryEscape($0) }
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    /// Go's `url.QueryEscape`: letters, digits and `-_.~` as they are, space as `+`, every other
    /// byte as `%XX`.
    private static func goQueryEscape(_ text: String) -> String {
        var escaped = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                escaped += "+"
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                escaped += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return escaped
    }

    /// `host` becomes `host:80` (or `:443`); `host:port` and `[v6]:port` stay.
    private static func withDefaultPort(_ address: String, scheme: String) -> String {
        let port = scheme == "https" ? "443" : "80"
        if address.hasPrefix("[") {
            return address.contains("]:") ? address : address + ":" + port
        }
        return address.contains(":") ? address : address + ":" + port
    }
}
