/// The `tcp:` block of a blackbox exporter module. Filled in by the probes work.
public struct TCPProbeConfiguration: Codable, Equatable, Sendable {
    public init() {}
}
