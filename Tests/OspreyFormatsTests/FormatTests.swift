import OspreyFormats
import OspreyModel
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

@Suite struct SeriesLabelsTests {
    @Test func labelsOfARawSeries() throws {
        let labels = try ExpositionParser.labels(ofSeries: ArraySlice(#"http_requests_total{code="200",path="/a\"b"}"#.utf8), format: .text)
        #expect(labels == Labels(["__name__": "http_requests_total", "code": "200", "path": "/a\"b"]))
        #expect(try ExpositionParser.labels(ofSeries: ArraySlice("up".utf8), format: .text) == Labels(["__name__": "up"]))
    }

    @Test func bytesThatAreNoSeriesAreAnError() {
        for garbage in ["", "{", "up{a=\"1\"", "1up", "up{a=\"1\"} 1", "up{a=1}"] {
            #expect(throws: ExpositionError.self, "\(garbage)") {
                try ExpositionParser.labels(ofSeries: ArraySlice(garbage.utf8), format: .text)
            }
        }
    }
}
