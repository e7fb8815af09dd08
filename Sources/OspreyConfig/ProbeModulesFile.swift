/// A blackbox exporter config file as it is: `modules:` by name. Read so an existing
/// `blackbox.yml` can be used unchanged.
public struct ProbeModulesFile: Codable, Equatable, Sendable {
    public var modules: [String: ProbeModuleConfiguration]

    public init(modules: [String: ProbeModuleConfiguration] = [:]) {
        self.modules = modules
    }

    enum CodingKeys: String, CodingKey {
        case modules
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        modules = try container.decodeIfPresent([String: ProbeModuleConfiguration].self, forKey: .modules) ?? [:]
    }
}
