import NIOCore
import NIOPosix
import OspreyConfig
import Testing

@testable import OspreyProbes

/// The DNS prober against a tiny UDP server that knows one name.
@Suite struct DNSProberTests {
    private func withServer(_ body: (Int) async throws -> Void) async throws {
        let server = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { $0.pipeline.addHandler(DNSTestServerHandler()) }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        do {
            try await body(port)
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    private func metric(_ result: ProbeResult, _ name: String) -> Double? {
        result.metrics.first { $0.name == name }?.value
    }

    @Test func aKnownNameSucceedsWithOneAnswer() async throws {
        try await withServer { port in
            let config = DNSProbeConfiguration(
                queryName: "example.test", queryType: "A",
                validateAnswerRRs: DNSRRValidation(failIfNoneMatchesRegexp: ["example\\.test\\.\\t300\\tIN\\tA\\t127\\.0\\.0\\.1"]))
            let result = await DNSProber(config, timeout: generousProbeTimeout).probe("127.0.0.1:\(port)")
            #expect(result.success, "\(result.failure ?? "") \(result.steps)")
            #expect(metric(result, "probe_dns_answer_rrs") == 1)
            #expect(metric(result, "probe_dns_query_succeeded") == 1)
            #expect(metric(result, "probe_ip_protocol") == 4)
        }
    }

    @Test func aQueryOverTCPIsAnsweredLikeOneOverUDP() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(DNSOverTCPTestServerHandler()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let config = DNSProbeConfiguration(queryName: "example.test", queryType: "A", transportProtocol: .tcp)
        let result = await DNSProber(config, timeout: generousProbeTimeout).probe("127.0.0.1:\(port)")
        #expect(result.success, "\(result.failure ?? "") \(result.steps)")
        #expect(metric(result, "probe_dns_answer_rrs") == 1)

        let missing = await DNSProber(
            DNSProbeConfiguration(queryName: "missing.test", queryType: "A", transportProtocol: .tcp), timeout: generousProbeTimeout
        )
        .probe("127.0.0.1:\(port)")
        #expect(!missing.success)
        #expect(missing.failure?.contains("NXDOMAIN") == true, "\(missing.failure ?? "")")
    }

    @Test func anUnknownNameFailsOnItsResponseCode() async throws {
        try await withServer { port in
            let config = DNSProbeConfiguration(queryName: "missing.test", queryType: "A")
            let result = await DNSProber(config, timeout: generousProbeTimeout).probe("127.0.0.1:\(port)")
            #expect(!result.success)
            #expect(metric(result, "probe_dns_query_succeeded") == 1)
            #expect(metric(result, "probe_dns_answer_rrs") == 0)
            #expect(result.failure?.contains("NXDOMAIN") == true, "\(result.failure ?? "")")
            let allowed = DNSProbeConfiguration(queryName: "missing.test", queryType: "A", validRcodes: ["NXDOMAIN"])
            #expect(await DNSProber(allowed, timeout: generousProbeTimeout).probe("127.0.0.1:\(port)").success)
        }
    }

    @Test func aRuleOverTheAnswersCanFailTheProbe() async throws {
        try await withServer { port in
            let config = DNSProbeConfiguration(
                queryName: "example.test", queryType: "A", validateAnswerRRs: DNSRRValidation(failIfMatchesRegexp: ["127\\.0\\.0\\.1"]))
            let result = await DNSProber(config, timeout: generousProbeTimeout).probe("127.0.0.1:\(port)")
            #expect(!result.success)
            #expect(result.failure?.contains("answer section") == true, "\(result.failure ?? "")")
        }
    }

    @Test func aSilentServerTimesOut() async throws {
        // Bound but never read: the query goes unanswered.
        let silent = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let result = await DNSProber(DNSProbeConfiguration(queryName: "example.test"), timeout: .milliseconds(300))
            .probe("127.0.0.1:\(port)")
        try await silent.close()
        #expect(!result.success)
        #expect(result.failure?.contains("timeout after") == true, "\(result.failure ?? "")")
    }

    @Test func messagesRoundTripTheWireFormat() throws {
        let query = DNSMessage.query(id: 7, name: "example.test.", type: 1, rrClass: 1, recursionDesired: true)
        let response = DNSTestServerHandler.answer(query)
        let parsed = try DNSMessage(parsing: response)
        #expect(parsed.id == 7)
        #expect(parsed.rcode == 0)
        #expect(parsed.answers.map(\.text) == ["example.test.\t300\tIN\tA\t127.0.0.1"])
    }
}
