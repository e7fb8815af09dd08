import OspreyFormats
import OspreyModel

extension ProbeResult {
    /// Every metric of the probe: `probe_success` and `probe_duration_seconds` with the prober's.
    public var allMetrics: [ProbeMetric] {
        [
            ProbeMetric(name: "probe_success", value: success ? 1 : 0, help: "Displays whether or not the probe was a success"),
            ProbeMetric(
                name: "probe_duration_seconds", value: duration.seconds,
                help: "Returns how long the probe took to complete in seconds"),
        ] + metrics
    }

    /// The metrics as blackbox exporter's `/probe` answers them: gauges, one family per name, in
    /// name order.
    public var families: [MetricFamily] {
        let byName = Dictionary(grouping: allMetrics, by: \.name)
        return byName.keys.sorted().map { name in
            let metrics = byName[name] ?? []
            return MetricFamily(
                name: name, type: .gauge, help: metrics.first?.help,
                samples: metrics.map { FamilySample(labels: $0.labels.setting(Labels.metricName, to: name), value: $0.value) })
        }
    }

    /// The answer of `/probe` in Prometheus text format.
    public var exposition: [UInt8] {
        ExpositionWriter(format: .text).write(families)
    }
}
