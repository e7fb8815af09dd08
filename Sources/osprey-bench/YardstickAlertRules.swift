import Foundation

/// Alerting rules over the yardstick's metrics as operators write them (node_exporter's CPU,
/// memory, filesystem, network and disk alerts, RED alerts on the application's HTTP metrics,
/// business and absence alerts), as one Prometheus rule file that Osprey and Prometheus both load.
enum YardstickAlertRules {
    /// A rule file of `groups` groups of `rulesPerGroup` alerting rules; rule `n` of the whole file
    /// belongs to family `n % families.count`, so every group mixes every family.
    static func ruleFile(groups: Int, rulesPerGroup: Int) -> String {
        let total = groups * rulesPerGroup
        let families = Self.families
        var yaml = "groups:\n"
        for group in 0..<groups {
            yaml += "  - name: \(groupName(group))\n    rules:\n"
            for position in 0..<rulesPerGroup {
                let number = group * rulesPerGroup + position
                let family = families[number % families.count]
                let membersOfFamily = (total - number % families.count + families.count - 1) / families.count
                let variant = family.variant(number / families.count, of: membersOfFamily)
                let lines = [
                    "      - alert: \(family.name)\(String(format: "%02d", variant.index))",
                    "        expr: \(quoted(family.expression(variant)))",
                    "        for: \(variant.holdFor)",
                    "        labels:",
                    "          severity: \(family.severity)",
                    "          team: \(variant.pick(["infra", "platform", "storefront", "payments"]))",
                    "        annotations:",
                    "          summary: \(quoted(family.summary))",
                    "          description: \(quoted(family.description + " (threshold \(variant.threshold))"))",
                    "          runbook_url: https://runbooks.example.com/\(family.name.lowercased())",
                ]
                yaml += lines.joined(separator: "\n") + "\n"
            }
        }
        return yaml
    }

    static func groupName(_ index: Int) -> String { String(format: "yardstick-alerts-%02d", index + 1) }

    /// YAML single quotes: nothing inside is special but the quote itself, doubled.
    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Threshold ranges come from the yardstick's values at its end (seed 7), which are the same
    /// whatever `--start` says.
    static let families: [AlertRuleFamily] = [
        AlertRuleFamily(
            name: "HostHighCpuBusy", lowest: -150, highest: 300, severity: "warning",
            expression: { "100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[\($0.window)]))) > \($0.threshold)" },
            summary: "CPU busy on {{ $labels.instance }}",
            description: "CPU is {{ $value | humanize }}% busy on {{ $labels.instance }}"),
        AlertRuleFamily(
            name: "HostCpuModeHigh", lowest: 0.5, highest: 120, severity: "warning",
            expression: {
                "sum by (instance, mode) (rate(node_cpu_seconds_total{mode=~\"\($0.pick(["user|system", "iowait", "user|system|iowait|steal", "steal"]))\"}[\($0.window)])) > \($0.threshold)"
            },
            summary: "{{ $labels.mode }} CPU high on {{ $labels.instance }}",
            description: "{{ $labels.mode }} CPU seconds per second: {{ $value | humanize }}"),
        AlertRuleFamily(
            name: "HostLoadPerCpuHigh", lowest: 0.1, highest: 2.5, severity: "warning",
            expression: {
                "node_\($0.pick(["load1", "load5", "load15"])) / on (instance) group_left count by (instance) (node_cpu_seconds_total{mode=\"idle\"}) > \($0.threshold)"
            },
            summary: "Load per CPU high on {{ $labels.instance }}",
            description: "Load per CPU is {{ $value | humanize }} on {{ $labels.instance }} ({{ $labels.job }})"),
        AlertRuleFamily(
            name: "HostMemoryAvailableLow", lowest: 80, highest: 105, severity: "critical",
            expression: { "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < \($0.threshold)" },
            summary: "Memory low on {{ $labels.instance }}",
            description: "Only {{ $value | humanize }}% of memory is available on {{ $labels.instance }}"),
        AlertRuleFamily(
            name: "HostMemoryFillingUp", lowest: 1.5e10, highest: 2.6e10, severity: "warning",
            expression: {
                "predict_linear(node_memory_MemAvailable_bytes[\($0.pick(["15m", "30m", "1h"]))], \($0.pick([1, 2, 4])) * 3600) < \($0.threshold)"
            },
            summary: "Memory filling up on {{ $labels.instance }}",
            description: "Predicted available memory {{ $value | humanize1024 }}B on {{ $labels.instance }}"),
        AlertRuleFamily(
            name: "HostFilesystemSpaceLow", lowest: 15, highest: 33, severity: "critical",
            expression: {
                "node_filesystem_avail_bytes{fstype!=\"tmpfs\"} / node_filesystem_size_bytes{fstype!=\"tmpfs\"} * 100 < \($0.threshold) and on (instance, device, mountpoint) node_filesystem_readonly == 0"
            },
            summary: "Disk space low on {{ $labels.instance }} {{ $labels.mountpoint }}",
            description: "{{ $labels.device }} has {{ $value | humanize }}% free"),
        AlertRuleFamily(
            name: "HostFilesystemFillingUp", lowest: 8.2e10, highest: 8.5e10, severity: "warning",
            expression: {
                "predict_linear(node_filesystem_avail_bytes{fstype!=\"tmpfs\"}[\($0.pick(["30m", "1h", "6h"]))], \($0.pick([4, 24])) * 3600) < \($0.threshold)"
            },
            summary: "Filesystem {{ $labels.mountpoint }} filling up on {{ $labels.instance }}",
            description: "Predicted free space {{ $value | humanize1024 }}B"),
        AlertRuleFamily(
            name: "HostInodesLow", lowest: 60, highest: 100, severity: "warning",
            expression: { "node_filesystem_files_free / node_filesystem_files * 100 < \($0.threshold)" },
            summary: "Inodes low on {{ $labels.instance }}",
            description: "{{ $labels.mountpoint }} has {{ $value | humanize }}% of its inodes free"),
        AlertRuleFamily(
            name: "HttpErrorRatioHigh", lowest: 0.3, highest: 1.5, severity: "critical",
            expression: {
                let route = $0.pick(["", "route=\"/api/orders\"", "route=\"/api/cart\"", "route=~\"/api/(login|search)\""])
                let errors = route.isEmpty ? "status=~\"5..\"" : route + ", status=~\"5..\""
                return
                    "sum by (instance, route) (rate(http_requests_total{\(errors)}[\($0.window)])) / sum by (instance, route) (rate(http_requests_total\(route.isEmpty ? "" : "{" + route + "}")[\($0.window)])) > \($0.threshold)"
            },
            summary: "Errors on {{ $labels.route }} at {{ $labels.instance }}",
            description: "{{ $value | humanizePercentage }} of requests to {{ $labels.route }} fail"),
        AlertRuleFamily(
            name: "HttpTrafficLow", lowest: 1, highest: 25, severity: "warning",
            expression: {
                "sum by (instance) (rate(http_requests_total{method=~\"\($0.pick(["GET|POST", "GET", "POST"]))\"}[\($0.window)])) < \($0.threshold)"
            },
            summary: "Traffic low at {{ $labels.instance }}",
            description: "{{ $value | humanize }} requests/s"),
        AlertRuleFamily(
            name: "HttpLatencyHigh", lowest: 0.25, highest: 5, severity: "warning",
            expression: {
                "histogram_quantile(\($0.pick(["0.5", "0.9", "0.95", "0.99"])), sum by (instance, route, le) (rate(http_request_duration_seconds_bucket[\($0.window)]))) > \($0.threshold)"
            },
            summary: "Slow {{ $labels.route }} at {{ $labels.instance }}",
            description: "Latency quantile is {{ $value | humanizeDuration }}"),
        AlertRuleFamily(
            name: "HttpAverageLatencyHigh", lowest: 0.2, highest: 1.5, severity: "warning",
            expression: {
                "sum by (instance, route) (rate(http_request_duration_seconds_sum[\($0.window)])) / sum by (instance, route) (rate(http_request_duration_seconds_count[\($0.window)])) > \($0.threshold)"
            },
            summary: "Slow {{ $labels.route }} on average at {{ $labels.instance }}",
            description: "Average latency {{ $value | humanizeDuration }}"),
        AlertRuleFamily(
            name: "HostNetworkThroughputHigh", lowest: 1, highest: 100, severity: "warning",
            expression: {
                "rate(node_network_\($0.pick(["receive", "transmit"]))_bytes_total{device!~\"lo|ifb.*\"}[\($0.window)]) > \($0.threshold)"
            },
            summary: "Network busy on {{ $labels.instance }} {{ $labels.device }}",
            description: "{{ $value | humanize1024 }}B/s"),
        AlertRuleFamily(
            name: "HostNetworkErrors", lowest: 0.5, highest: 40, severity: "warning",
            expression: {
                "rate(node_network_\($0.pick(["receive_errs", "transmit_drop", "receive_drop", "transmit_errs"]))_total[\($0.window)]) > \($0.threshold)"
            },
            summary: "Network errors on {{ $labels.instance }} {{ $labels.device }}",
            description: "{{ $value | humanize }} per second"),
        AlertRuleFamily(
            name: "HostDiskBusy", lowest: 0.5, highest: 30, severity: "warning",
            expression: { "rate(node_disk_io_time_seconds_total[\($0.window)]) > \($0.threshold)" },
            summary: "Disk {{ $labels.device }} busy on {{ $labels.instance }}",
            description: "IO time {{ $value | humanizePercentage }}"),
        AlertRuleFamily(
            name: "HostNetworkInterfaceDown", lowest: -30, highest: 0.5, severity: "critical",
            expression: { "node_network_up{device!~\"lo\"} < \($0.threshold)" },
            summary: "Interface {{ $labels.device }} down on {{ $labels.instance }}",
            description: "node_network_up is {{ $value }}"),
        AlertRuleFamily(
            name: "NodeCollectorFailed", lowest: -80, highest: 0.5, severity: "warning",
            expression: {
                "node_scrape_collector_success{collector=~\"\($0.pick(["[a-e].*", "[f-m].*", "[n-s].*", "[t-z].*"]))\"} < \($0.threshold)"
            },
            summary: "Collector {{ $labels.collector }} failing on {{ $labels.instance }}",
            description: "node_exporter's {{ $labels.collector }} collector reports {{ $value }}"),
        AlertRuleFamily(
            name: "HostClockSkew", lowest: 3, highest: 60, severity: "warning",
            expression: { "abs(node_timex_offset_seconds) > \($0.threshold)" },
            summary: "Clock skew on {{ $labels.instance }}",
            description: "Clock is off by {{ $value | humanizeDuration }}"),
        AlertRuleFamily(
            name: "HostContextSwitchesHigh", lowest: 5, highest: 200, severity: "info",
            expression: { "rate(node_context_switches_total[\($0.window)]) > \($0.threshold)" },
            summary: "Context switching on {{ $labels.instance }}",
            description: "{{ $value | humanize }} switches/s"),
        AlertRuleFamily(
            name: "HostMajorPageFaults", lowest: 5, highest: 120, severity: "warning",
            expression: { "rate(node_vmstat_pgmajfault[\($0.window)]) > \($0.threshold)" },
            summary: "Major page faults on {{ $labels.instance }}",
            description: "{{ $value | humanize }} faults/s"),
        AlertRuleFamily(
            name: "ExporterRuntime", lowest: 9, highest: 40, severity: "info",
            expression: {
                $0.index % 2 == 0
                    ? "go_goroutines > \($0.threshold)"
                    : "rate(go_gc_duration_seconds_sum[\($0.window)]) > \($0.threshold) / 10"
            },
            summary: "Exporter runtime on {{ $labels.instance }}",
            description: "{{ $value | humanize }}"),
        AlertRuleFamily(
            name: "CheckoutFailureRatioHigh", lowest: 10, highest: 200, severity: "critical",
            expression: {
                "sum by (instance) (rate(checkout_failures_total[\($0.window)])) / sum by (instance) (rate(orders_total[\($0.window)])) > \($0.threshold)"
            },
            summary: "Checkouts failing at {{ $labels.instance }}",
            description: "{{ $value | humanize }} failures per order"),
        AlertRuleFamily(
            name: "BusinessActivityLow", lowest: 0.001, highest: 1, severity: "warning",
            expression: {
                $0.index % 2 == 0
                    ? "increase(orders_total[1h]) < \($0.threshold) * 1000"
                    : "rate(signups_total[\($0.window)]) < \($0.threshold)"
            },
            summary: "Little activity at {{ $labels.instance }}",
            description: "{{ $value | humanize }}"),
        AlertRuleFamily(
            name: "HostLoadSustained", lowest: 2, highest: 6, severity: "warning",
            expression: {
                [
                    "avg_over_time(node_load1[\($0.window)]) > \($0.threshold)",
                    "max_over_time(node_load1[\($0.window)]) > \($0.threshold)",
                    "quantile_over_time(0.9, node_load5[\($0.window)]) > \($0.threshold)",
                    "stddev_over_time(node_load1[\($0.window)]) > \($0.threshold) / 20",
                ][$0.index % 4]
            },
            summary: "Sustained load on {{ $labels.instance }}",
            description: "{{ $value | humanize }}"),
        AlertRuleFamily(
            name: "HostRebooted", lowest: 50, highest: 1000, severity: "info",
            expression: {
                $0.index % 2 == 0
                    ? "changes(node_boot_time_seconds[1h]) > \($0.threshold)"
                    : "time() - node_boot_time_seconds < \($0.threshold) * 1000"
            },
            summary: "{{ $labels.instance }} rebooted",
            description: "{{ $value | humanize }}"),
        AlertRuleFamily(
            name: "TargetMissing", lowest: 0, highest: 1, severity: "critical",
            expression: {
                $0.index % 4 == 0
                    ? "up{job=\"node\"} == 0"
                    : "absent(node_load1{job=\"node\", instance=\"host-\(String(format: "%04d", $0.index % 11)):9100\"})"
            },
            summary: "A node target is missing",
            description: "{{ $labels.instance }} reports no data"),
        AlertRuleFamily(
            name: "ExporterMemoryHigh", lowest: 1.8e7, highest: 4e7, severity: "warning",
            expression: {
                $0.index % 2 == 0
                    ? "process_resident_memory_bytes > \($0.threshold)"
                    : "process_open_fds / process_max_fds > \($0.threshold) / 2e10"
            },
            summary: "Exporter resources on {{ $labels.instance }}",
            description: "{{ $value | humanize1024 }}"),
        AlertRuleFamily(
            name: "QueueBacklog", lowest: 5, highest: 60, severity: "warning",
            expression: {
                $0.index % 2 == 0
                    ? "max by (instance, queue) (queue_depth) > \($0.threshold)"
                    : "active_sessions > \($0.threshold) + 110"
            },
            summary: "Backlog at {{ $labels.instance }}",
            description: "{{ $value | humanize }} waiting"),
    ]
}
