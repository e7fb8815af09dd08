import OspreyFormats
import OspreyModel
import OspreyProbes
import Testing

@Suite struct ProbeResultTests {
    @Test func theProbeAnswersInTextFormatAsBlackboxExporterDoes() throws {
        let result = ProbeResult(
            success: true, duration: .milliseconds(250),
            metrics: [
                ProbeMetric(name: "probe_http_status_code", value: 200, help: "Response HTTP status code"),
                ProbeMetric(
                    name: "probe_http_duration_seconds", labels: Labels(["phase": "connect"]), value: 0.001,
                    help: "Duration of http request by phase, summed over all redirects"),
                ProbeMetric(
                    name: "probe_http_duration_seconds", labels: Labels(["phase": "resolve"]), value: 0.002,
                    help: "Duration of http request by phase, summed over all redirects"),
            ])
        let families = try ExpositionParser.families(from: result.exposition, format: .text)
        #expect(families.map(\.name) == ["probe_duration_seconds", "probe_http_duration_seconds", "probe_http_status_code", "probe_success"])
        #expect(families.allSatisfy { $0.type == .gauge })
        #expect(families.first { $0.name == "probe_success" }?.samples.first?.value == 1)
        #expect(families.first { $0.name == "probe_duration_seconds" }?.samples.first?.value == 0.25)
        #expect(families.first { $0.name == "probe_http_duration_seconds" }?.samples.count == 2)
        #expect(families.first { $0.name == "probe_success" }?.help == "Displays whether or not the probe was a success")
    }

    @Test func aFailedProbeSaysWhyAndReportsZero() throws {
        let result = ProbeResult(success: false, duration: .milliseconds(5), metrics: [], failure: "connection refused")
        #expect(result.failure == "connection refused")
        #expect(result.allMetrics.first { $0.name == "probe_success" }?.value == 0)
    }
}
