/// The modules of blackbox exporter's own `blackbox.yml`, available by name without any
/// `probe_modules`, so `osprey probe http_2xx https://example.com` works on a fresh install as
/// the same line does against a fresh blackbox exporter. A configured module of the same name
/// replaces the built-in one. Blackbox's `grpc` and `grpc_plain` are left out: Osprey has no
/// grpc prober. Blackbox ships no dns module (a dns module needs the name to ask).
public enum BuiltInProbeModules {
    public static let modules: [String: ProbeModuleConfiguration] = [
        "http_2xx": ProbeModuleConfiguration(prober: .http),
        "http_post_2xx": ProbeModuleConfiguration(prober: .http, http: HTTPProbeConfiguration(method: "POST")),
        "tcp_connect": ProbeModuleConfiguration(prober: .tcp),
        "pop3s_banner": ProbeModuleConfiguration(
            prober: .tcp, tcp: TCPProbeConfiguration(queryResponse: [TCPQueryResponse(expect: "^+OK")], tls: true)),
        "ssh_banner": ProbeModuleConfiguration(
            prober: .tcp,
            tcp: TCPProbeConfiguration(queryResponse: [
                TCPQueryResponse(expect: "^SSH-2.0-"), TCPQueryResponse(send: "SSH-2.0-blackbox-ssh-check"),
            ])),
        "irc_banner": ProbeModuleConfiguration(
            prober: .tcp,
            tcp: TCPProbeConfiguration(queryResponse: [
                TCPQueryResponse(send: "NICK prober"), TCPQueryResponse(send: "USER prober prober prober :prober"),
                TCPQueryResponse(expect: "PING :([^ ]+)", send: "PONG ${1}"), TCPQueryResponse(expect: "^:[^ ]+ 001"),
            ])),
        "icmp": ProbeModuleConfiguration(prober: .icmp),
        "icmp_ttl5": ProbeModuleConfiguration(prober: .icmp, timeout: .seconds(5), icmp: ICMPProbeConfiguration(ttl: 5)),
    ]

    /// The module called `name`: the configured one, else the built-in one.
    public static func module(named name: String, in configured: [String: ProbeModuleConfiguration]) -> ProbeModuleConfiguration? {
        configured[name] ?? modules[name]
    }

    /// Every module name a probe may use, configured and built in, sorted.
    public static func names(with configured: [String: ProbeModuleConfiguration]) -> [String] {
        Set(configured.keys).union(modules.keys).sorted()
    }
}

extension OspreyConfiguration {
    /// The module called `name`: from `probe_modules`, else built in.
    public func probeModule(named name: String) -> ProbeModuleConfiguration? {
        BuiltInProbeModules.module(named: name, in: probeModules)
    }
}
