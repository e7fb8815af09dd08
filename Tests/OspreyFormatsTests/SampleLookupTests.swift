// Looking up one sample's value on a /metrics page, as tests and benchmarks read a server's own metrics.
import OspreyFormats
import Testing

@Suite struct SampleLookupTests {
    static let page = """
        # HELP requests_total Requests.
        # TYPE requests_total counter
        requests_total{code="200",handler="/a"} 7
        requests_total{code="500",handler="/a"} 2
        inflight_bytes 1.5e+06
        """

    @Test func theFirstSampleWithTheNameAndLabelsIsFound() {
        #expect(ExpositionParser.value(of: "inflight_bytes", in: Self.page) == 1_500_000)
        #expect(ExpositionParser.value(of: "requests_total", labels: ["code": "500"], in: Self.page) == 2)
        #expect(ExpositionParser.value(of: "requests_total", in: Self.page) == 7)
    }

    @Test func noMatchingSampleIsNil() {
        #expect(ExpositionParser.value(of: "requests_total", labels: ["code": "404"], in: Self.page) == nil)
        #expect(ExpositionParser.value(of: "requests", in: Self.page) == nil)
    }
}
