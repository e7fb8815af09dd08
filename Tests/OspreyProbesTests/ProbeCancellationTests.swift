import OspreyConfig
import OspreyTestSupport
import Testing

@testable import OspreyProbes

/// A probe of a host that accepts and never answers, cancelled (its `/probe` client went away,
/// the server is stopping), ends at once rather than at its timeout, and lets go of its socket.
@Suite struct ProbeCancellationTests {
    @Test(.needsAQuietMachine, arguments: [("http_2xx", "http://127.0.0.1:PORT/"), ("ssh_banner", "127.0.0.1:PORT")])
    func aCancelledProbeOfAHostThatNeverAnswersEndsAtOnce(module: String, target: String) async throws {
        let blackHole = try await BlackHole.start()
        defer { Task { try? await blackHole.stop() } }
        let port = blackHole.port
        let configuration = try #require(BuiltInProbeModules.modules[module])
        let address = target.replacingOccurrences(of: "PORT", with: "\(port)")

        let probe = Task { await ProbeRunner.probe(address, module: configuration, timeout: .seconds(120)) }
        try await eventually { blackHole.open == 1 }
        let cancelled = ContinuousClock.now
        probe.cancel()
        let result = await probe.value
        #expect(ContinuousClock.now - cancelled < .seconds(5), "the probe ran on for \(ContinuousClock.now - cancelled)")
        #expect(!result.success)
        try await eventually { blackHole.open == 0 }
    }
}
