/// One entry of `receivers`: a name routes refer to and the webhooks it notifies.
public struct AlertingReceiverConfiguration: Codable, Equatable, Sendable {
    public var name: String
    public var webhookConfigs: [AlertingWebhookConfiguration]

    /// Alertmanager integrations Osprey does not implement; naming one is an error, not a silent no-op.
    public static let unsupportedIntegrations = [
        "discord_configs", "email_configs", "incidentio_configs", "jira_configs", "msteams_configs", "msteamsv2_configs",
        "opsgenie_configs", "pagerduty_configs", "pushover_configs", "rocketchat_configs", "slack_configs", "sns_configs",
        "telegram_configs", "victorops_configs", "webex_configs", "wechat_configs",
    ]

    public init(name: String, webhookConfigs: [AlertingWebhookConfiguration] = []) {
        self.name = name
        self.webhookConfigs = webhookConfigs
    }

    enum CodingKeys: String, CodingKey {
        case name
        case webhookConfigs = "webhook_configs"
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        webhookConfigs = try container.decodeIfPresent([AlertingWebhookConfiguration].self, forKey: .webhookConfigs) ?? []
        var problems: [String] = []
        if name.isEmpty { problems.append("missing name in receiver") }
        let others = try decoder.container(keyedBy: AnyKey.self)
        for integration in Self.unsupportedIntegrations where others.contains(AnyKey(stringValue: integration)) {
            problems.append("\(integration) is not supported by Osprey; use webhook_configs")
        }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        if !webhookConfigs.isEmpty { try container.encode(webhookConfigs, forKey: .webhookConfigs) }
    }
}
