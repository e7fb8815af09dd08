import OspreyModel
import OspreyProbes
import Testing

@Suite struct ProbeResultTests {
    @Test func aFailedProbeSaysWhy() {
        let result = ProbeResult(success: false, duration: .milliseconds(5), metrics: [], failure: "connection refused")
        #expect(!result.success)
        #expect(result.failure == "connection refused")
    }
}
