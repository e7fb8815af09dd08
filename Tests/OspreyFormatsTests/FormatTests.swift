import OspreyFormats
import Testing

/// Content negotiation as a scraper and a `/metrics` endpoint see it.
@Suite struct FormatTests {
    @Test func contentType() {
        // As python_client served the OpenMetrics fixture (see Fixtures/README.md).
        let served = "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"
        #expect(ExpositionFormat(contentType: served) == .openMetrics)
        #expect(ExpositionFormat(contentType: "Application/OpenMetrics-Text") == .openMetrics)
        #expect(ExpositionFormat(contentType: "text/plain; version=0.0.4; charset=utf-8") == .text)
        // VictoriaMetrics sends no version.
        #expect(ExpositionFormat(contentType: "text/plain; charset=utf-8") == .text)
        #expect(ExpositionFormat(contentType: nil) == .text)
        #expect(ExpositionFormat(contentType: "application/json") == .text)
        for format in ExpositionFormat.allCases {
            #expect(ExpositionFormat(contentType: format.contentType) == format)
        }
    }

    @Test func accept() {
        // Prometheus's own scrape Accept header.
        let prometheusAccept = [
            "application/openmetrics-text;version=1.0.0", "application/openmetrics-text;version=0.0.1;q=0.75",
            "text/plain;version=0.0.4;q=0.5", "*/*;q=0.1",
        ].joined(separator: ",")
        #expect(ExpositionFormat(accept: prometheusAccept) == .openMetrics)
        #expect(ExpositionFormat(accept: "text/plain, application/openmetrics-text; version=1.0.0") == .openMetrics)
        #expect(ExpositionFormat(accept: "*/*") == .text)
        #expect(ExpositionFormat(accept: "text/plain;version=0.0.4") == .text)
        #expect(ExpositionFormat(accept: nil) == .text)
        #expect(ExpositionFormat(accept: "") == .text)
    }
}
