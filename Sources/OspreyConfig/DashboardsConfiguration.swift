/// `dashboards:`: which dashboards (Grafana's JSON model) are provisioned. The built-in ones are
/// compiled into the binary, so they are there wherever the server runs; `path` names a folder of
/// more, one per `*.json` file. Provisioned dashboards are read-only in the UI and the API; those
/// saved through the API are kept in the data folder.
public struct DashboardsConfiguration: Codable, Equatable, Sendable {
    /// Whether the built-in dashboards are provisioned.
    public var builtIn: Bool
    /// A folder of more dashboards, relative to the config file's folder unless absolute; empty
    /// for none. A dashboard there with a built-in's uid replaces the built-in.
    public var path: String

    public init(builtIn: Bool = true, path: String = "") {
        self.builtIn = builtIn
        self.path = path
    }

    enum CodingKeys: String, CodingKey {
        case builtIn = "built_in"
        case path
    }

    public init(from decoder: any Decoder) throws {
        let defaults = DashboardsConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        builtIn = try container.decodeIfPresent(Bool.self, forKey: .builtIn) ?? defaults.builtIn
        path = try container.decodeIfPresent(String.self, forKey: .path) ?? defaults.path
    }
}
