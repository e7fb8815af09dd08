/// The `dns:` block of a blackbox exporter module. Filled in by the probes work.
public struct DNSProbeConfiguration: Codable, Equatable, Sendable {
    public init() {}
}
