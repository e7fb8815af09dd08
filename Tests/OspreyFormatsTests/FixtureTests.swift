import OspreyFormats
import OspreyModel
import Testing

/// Real `/metrics` outputs parse completely and give the values their lines show.
@Suite struct FixtureTests {
    @Test(arguments: Fixture.allCases)
    func everyLineIsAccountedFor(_ fixture: Fixture) throws {
        let lines = try fixture.lines()
        let parsed = try entries(try fixture.bytes(), fixture.format)

        let sampleLines = lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let samples = parsed.compactMap(\.sample)
        #expect(samples.count == sampleLines.count)
        // Each sample keeps its own line's series, in order.
        for (sample, line) in zip(samples, sampleLines) {
            #expect(line.utf8.starts(with: sample.series), "\(line)")
        }

        let types = parsed.filter { if case .type = $0 { true } else { false } }
        #expect(types.count == lines.filter { $0.hasPrefix("# TYPE ") }.count)
        let helps = parsed.filter { if case .help = $0 { true } else { false } }
        #expect(helps.count == lines.filter { $0.hasPrefix("# HELP ") }.count)

        // Grouping into families loses no sample.
        let families = try ExpositionParser.families(from: try fixture.bytes(), format: fixture.format)
        #expect(families.reduce(0) { $0 + $1.samples.count } == sampleLines.count)
    }

    /// Looks up the one sample with exactly these labels.
    private func sample(_ labels: Labels, in fixture: Fixture) throws -> ParsedSample {
        let matches = try entries(try fixture.bytes(), fixture.format).compactMap(\.sample).filter {
            $0.labels == labels
        }
        #expect(matches.count == 1, "\(labels)")
        return try #require(matches.first)
    }

    private func help(of metric: String, in fixture: Fixture) throws -> String? {
        for entry in try entries(try fixture.bytes(), fixture.format) {
            if case .help(metric, let text) = entry { return text }
        }
        return nil
    }

    @Test func nodeExporterValues() throws {
        let fixture = Fixture.nodeExporter
        let size = try sample(
            series(
                "node_filesystem_size_bytes", ["device": "/dev/vda", "fstype": "ext4", "mountpoint": "/"]),
            in: fixture)
        #expect(size.value == 270_553_174_016)
        #expect(size.type == .gauge)
        #expect(size.timestamp == nil)
        #expect(size.name == "node_filesystem_size_bytes")

        let idle = try sample(series("node_cpu_seconds_total", ["cpu": "0", "mode": "idle"]), in: fixture)
        #expect(idle.value == 124.02)
        #expect(idle.type == .counter)

        // A `#` inside a label value is not a comment.
        let uname = try sample(
            series(
                "node_uname_info",
                [
                    "domainname": "(none)", "machine": "x86_64", "nodename": "vm", "release": "6.18.44-fc-v657",
                    "sysname": "Linux", "version": "#1 SMP PREEMPT_DYNAMIC @0",
                ]),
            in: fixture)
        #expect(uname.value == 1)

        #expect(try sample(series("node_boot_time_seconds"), in: fixture).value == 1_795_920_637)
        #expect(
            try sample(series("node_scrape_collector_duration_seconds", ["collector": "dmi"]), in: fixture).value
                == 5.71e-07)
        let systemd = try sample(series("node_scrape_collector_success", ["collector": "systemd"]), in: fixture)
        #expect(systemd.value == 0 && systemd.value.sign == .plus)
        let gc = try sample(series("go_gc_duration_seconds", ["quantile": "0.25"]), in: fixture)
        #expect(gc.type == .summary)
        #expect(try sample(series("go_gc_duration_seconds_count"), in: fixture).type == .summary)
        #expect(try help(of: "node_boot_time_seconds", in: fixture) == "Node boot time, in unixtime.")
    }

    @Test func pythonClientValues() throws {
        let fixture = Fixture.pythonClient
        // Written by the client as `path="C:\\dir\\\"quoted\"\nnext line"`.
        let escaped = try sample(
            series("osprey_requests_total", ["method": "GET", "path": "C:\\dir\\\"quoted\"\nnext line"]),
            in: fixture)
        #expect(escaped.value == 1)
        #expect(escaped.type == .counter)
        #expect(escaped.labels["path"]?.unicodeScalars.count == 25)

        #expect(try sample(series("osprey_temperature_celsius", ["sensor": "nan"]), in: fixture).value.isNaN)
        #expect(try sample(series("osprey_temperature_celsius", ["sensor": "posinf"]), in: fixture).value == .infinity)
        #expect(
            try sample(series("osprey_temperature_celsius", ["sensor": "neginf"]), in: fixture).value == -.infinity)
        #expect(try sample(series("osprey_temperature_celsius", ["sensor": "negative"]), in: fixture).value == -3.25e-05)
        #expect(try sample(series("osprey_temperature_celsius", ["sensor": "normal"]), in: fixture).value == 21.5)

        let bucket = try sample(
            series("osprey_request_duration_seconds_bucket", ["handler": "query", "le": "+Inf"]), in: fixture)
        #expect(bucket.value == 3)
        #expect(bucket.type == .histogram)

        // The text format has no `_created` samples: the client exposes them as separate gauges.
        let created = try sample(series("osprey_requests_created", ["method": "GET", "path": "/"]), in: fixture)
        #expect(created.type == .gauge)
        #expect(!created.isCreatedTimestamp)
        #expect(created.value == 1.795920799039007e+09)

        // Text-format HELP unescapes `\\` and `\n`.
        #expect(
            try help(of: "osprey_weird_help_total", in: fixture) == "Help with a backslash \\ and a\nnewline.")
    }

    @Test func prometheusValues() throws {
        let fixture = Fixture.prometheus
        let inf = try sample(
            series("prometheus_http_request_duration_seconds_bucket", ["handler": "/metrics", "le": "+Inf"]),
            in: fixture)
        #expect(inf.value == 10)
        #expect(inf.type == .histogram)
        // `le` stays the text it was written as.
        #expect(inf.labels["le"] == "+Inf")

        let quantile = try sample(
            series("prometheus_engine_query_duration_seconds", ["slice": "inner_eval", "quantile": "0.5"]),
            in: fixture)
        #expect(quantile.value.isNaN)
        #expect(quantile.type == .summary)

        let build = try sample(
            series(
                "prometheus_build_info",
                [
                    "branch": "debian/sid", "goarch": "amd64", "goos": "linux", "goversion": "go1.19.8",
                    "revision": "2.42.0+ds-5+deb12u1", "version": "2.42.0+ds",
                ]),
            in: fixture)
        #expect(build.value == 1)
        #expect(
            try sample(series("prometheus_config_last_reload_success_timestamp_seconds"), in: fixture).value
                == 1.7959207993157356e+09)
        #expect(try sample(series("go_gc_duration_seconds", ["quantile": "0.5"]), in: fixture).value == 0.000115395)
    }

    @Test func victoriaMetricsValues() throws {
        let fixture = Fixture.victoriaMetrics
        // Labels separated by `", "`.
        let errors = try sample(
            series("vm_http_request_errors_total", ["path": "*", "reason": "unsupported"]), in: fixture)
        #expect(errors.value == 0)
        #expect(errors.type == .unknown)
        // Empty label values mean no label at all.
        let version = try sample(series("vm_app_version"), in: fixture)
        #expect(version.value == 1)
        #expect(version.labels.count == 1)
        // 17 significant digits come back as the same double.
        #expect(
            try sample(series("vm_filestream_write_duration_seconds_total"), in: fixture).value
                == 1.1992999999999999e-05)
        #expect(
            try sample(series("vm_http_requests_total", ["path": "/api/v1/label/{}/values"]), in: fixture).value == 0)
        #expect(try sample(series("vm_http_requests_total", ["path": "/tags/<tag_name>"]), in: fixture).value == 0)
        #expect(
            try sample(series("vm_free_disk_space_bytes", ["path": "/tmp/osprey-fixtures.NIqa/vm/data"]), in: fixture)
                .value == 84_903_014_400)
    }
}

/// The OpenMetrics capture of the same Python program.
@Suite struct OpenMetricsFixtureTests {
    let fixture = Fixture.pythonClientOpenMetrics

    @Test func exemplars() throws {
        let samples = try entries(try fixture.bytes(), .openMetrics).compactMap(\.sample)
        let withExemplars = samples.filter { $0.exemplar != nil }
        #expect(withExemplars.count == 2)

        // `... le="0.05"} 1.0 # {trace_id="abc123"} 0.01 1795920799.0392098`
        let first = try #require(
            samples.first {
                $0.labels == series("osprey_request_duration_seconds_bucket", ["handler": "query", "le": "0.05"])
            })
        #expect(first.value == 1)
        let exemplar = try #require(first.exemplar)
        #expect(exemplar.labels == Labels(["trace_id": "abc123"]))
        #expect(exemplar.value == 0.01)
        #expect(exemplar.timestamp == 1_795_920_799_039)
        #expect(first.timestamp == nil)

        // `... le="+Inf"} 3.0 # {span_id="s1",trace_id="def456"} 7.0 1795920799.0392299`
        let second = try #require(
            samples.first {
                $0.labels == series("osprey_request_duration_seconds_bucket", ["handler": "query", "le": "+Inf"])
            })
        #expect(second.value == 3)
        #expect(
            second.exemplar
                == Exemplar(
                    labels: Labels(["span_id": "s1", "trace_id": "def456"]), value: 7, timestamp: 1_795_920_799_039))
    }

    @Test func createdSamplesAreFlagged() throws {
        let samples = try entries(try fixture.bytes(), .openMetrics).compactMap(\.sample)
        let created = samples.filter(\.isCreatedTimestamp)
        #expect(created.count == samples.filter { $0.name.hasSuffix("_created") }.count)
        #expect(
            Set(created.map(\.name)) == [
                "osprey_requests_created", "osprey_request_duration_seconds_created", "osprey_payload_bytes_created",
                "osprey_weird_help_created",
            ])
        let requests = try #require(
            created.first {
                $0.labels == series("osprey_requests_created", ["method": "POST", "path": "/api/v1/write"])
            })
        #expect(requests.value == 1.7959207990390325e+09)
        #expect(requests.type == .counter)
        // Counter values, bucket counts and sums are measurements.
        #expect(!samples.contains { $0.name.hasSuffix("_total") && $0.isCreatedTimestamp })
        #expect(!samples.contains { $0.name.hasSuffix("_bucket") && $0.isCreatedTimestamp })
    }

    @Test func familyTypes() throws {
        let families = try ExpositionParser.families(from: try fixture.bytes(), format: .openMetrics)
        let summary = families.map { "\($0.name) \($0.type.rawValue) \($0.samples.count)" }
        #expect(
            summary == [
                "osprey_requests counter 6",
                "osprey_temperature_celsius gauge 5",
                "osprey_request_duration_seconds histogram 16",
                "osprey_payload_bytes summary 3",
                "osprey_build info 1",
                "osprey_state stateset 3",
                "osprey_weird_help counter 2",
            ])
        let requests = try #require(families.first)
        #expect(requests.help == "Total HTTP requests handled.")
        #expect(requests.samples.filter { $0.labels.name == "osprey_requests_total" }.count == 3)
        #expect(requests.samples.filter { $0.labels.name == "osprey_requests_created" }.count == 3)
        let info = try #require(families.first { $0.type == .info })
        #expect(
            info.samples.map(\.labels) == [
                series("osprey_build_info", ["branch": "main", "revision": "deadbeef", "version": "0.1.0"])
            ])
        let state = try #require(families.first { $0.type == .stateset })
        #expect(state.samples.map { $0.labels["osprey_state"] ?? "" } == ["starting", "running", "stopping"])
        #expect(state.samples.map(\.value) == [0, 1, 0])
        let weird = try #require(families.last)
        #expect(weird.help == "Help with a backslash \\ and a\nnewline.")
        #expect(weird.samples.first?.labels.name == "osprey_weird_help_total")
        #expect(weird.samples.first?.value == 42)
    }

    @Test func eofIsRequired() throws {
        var lines = try fixture.lines()
        #expect(lines.last == "# EOF")
        lines.removeLast()
        let withoutEOF = lines.joined(separator: "\n") + "\n"
        expectError(withoutEOF, .openMetrics, line: lines.count, "# EOF")
        expectError("", .openMetrics, line: 1, "# EOF")
    }

    @Test func nothingAfterEOF() throws {
        let lines = try fixture.lines()
        let text = lines.joined(separator: "\n") + "\n"
        #expect(throws: Never.self) { try entries(text, .openMetrics) }
        // Without the final newline, too.
        #expect(throws: Never.self) { try entries(String(text.dropLast()), .openMetrics) }
        expectError(text + "osprey_extra 1\n", .openMetrics, line: lines.count + 1, "after \"# EOF\"")
        expectError(text + "# EOF\n", .openMetrics, line: lines.count + 1, "after \"# EOF\"")
        expectError(text + "\n", .openMetrics, line: lines.count + 1, "after \"# EOF\"")
    }
}
