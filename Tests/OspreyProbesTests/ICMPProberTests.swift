import OspreyConfig
import Testing

@testable import OspreyProbes

/// Pinging loopback: whether ICMP sockets are allowed depends on the machine, so either
/// outcome passes, but a failure must say what to change.
@Suite struct ICMPProberTests {
    @Test func pingingLoopbackSucceedsOrSaysWhatIsMissing() async {
        let config = ICMPProbeConfiguration(preferredIPProtocol: .ip4)
        let result = await ICMPProber(config, timeout: .seconds(2)).probe("127.0.0.1")
        if result.success {
            #expect(result.metrics.contains { $0.name == "probe_icmp_duration_seconds" && $0.labels["phase"] == "rtt" })
        } else {
            let failure = result.failure ?? ""
            #expect(failure.contains("CAP_NET_RAW") || failure.contains("timeout after"), "\(failure)")
        }
        #expect(result.metrics.contains { $0.name == "probe_ip_protocol" && $0.value == 4 })
    }

    @Test func theChecksumIsRFC1071() {
        // Echo request, id 1, seq 1, no payload: 0x0800 + 0x0001 + 0x0001 = 0x0802, complemented.
        #expect(ICMPEcho.checksum([8, 0, 0, 0, 0, 1, 0, 1]) == 0xf7fd)
    }
}
