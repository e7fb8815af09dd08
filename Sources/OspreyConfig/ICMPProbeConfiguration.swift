/// The `icmp:` block of a blackbox exporter module. Filled in by the probes work.
public struct ICMPProbeConfiguration: Codable, Equatable, Sendable {
    public init() {}
}
