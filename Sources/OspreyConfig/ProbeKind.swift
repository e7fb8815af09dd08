/// Which prober a module uses, as blackbox exporter's `prober:` key names it.
public enum ProbeKind: String, Codable, Equatable, Sendable, CaseIterable {
    case http, tcp, dns, icmp
}
