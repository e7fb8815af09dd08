/// `dashboards:`: where provisioned dashboards (Grafana's JSON model, one per `*.json` file)
/// are read from. They are read-only in the UI and the API; others are saved in the data folder.
public struct DashboardsConfiguration: Codable, Equatable, Sendable {
    /// A folder, relative to where the server runs unless absolute.
    public var path: String

    public init(path: String = "Dashboards") {
        self.path = path
    }

    enum CodingKeys: String, CodingKey {
        case path
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decodeIfPresent(String.self, forKey: .path) ?? DashboardsConfiguration().path
    }
}
