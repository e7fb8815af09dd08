import Foundation

/// `webhook_configs` entry: where Alertmanager's version 4 JSON payload is posted.
public struct AlertingWebhookConfiguration: Codable, Equatable, Sendable {
    /// The endpoint, unless it is read from `urlFile` when a notification is built.
    public var url: String?
    public var urlFile: String?
    /// Whether resolved alerts are sent too.
    public var sendResolved: Bool
    /// Most alerts in one payload; the rest are counted in `truncatedAlerts`. 0 is no limit.
    public var maxAlerts: Int
    public var httpConfig: AlertingHTTPConfiguration

    public init(
        url: String? = nil, urlFile: String? = nil, sendResolved: Bool = true, maxAlerts: Int = 0,
        httpConfig: AlertingHTTPConfiguration = AlertingHTTPConfiguration()
    ) {
        self.url = url
        self.urlFile = urlFile
        self.sendResolved = sendResolved
        self.maxAlerts = maxAlerts
        self.httpConfig = httpConfig
    }

    enum CodingKeys: String, CodingKey {
        case url
        case urlFile = "url_file"
        case sendResolved = "send_resolved"
        case maxAlerts = "max_alerts"
        case httpConfig = "http_config"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        urlFile = try container.decodeIfPresent(String.self, forKey: .urlFile)
        sendResolved = try container.decodeIfPresent(Bool.self, forKey: .sendResolved) ?? true
        maxAlerts = try container.decodeIfPresent(Int.self, forKey: .maxAlerts) ?? 0
        httpConfig = try container.decodeIfPresent(AlertingHTTPConfiguration.self, forKey: .httpConfig) ?? AlertingHTTPConfiguration()
        var problems: [String] = []
        switch (url, urlFile) {
        case (nil, nil): problems.append("one of url or url_file must be configured")
        case (.some, .some): problems.append("at most one of url and url_file may be set")
        case (let url?, nil):
            // As Alertmanager reads its own shown config back: the placeholder stands for a URL.
            if url != Self.secretPlaceholder, let problem = Self.problem(withURL: url) { problems.append(problem) }
        case (nil, .some): break
        }
        if maxAlerts < 0 { problems.append("max_alerts must not be negative") }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    static let secretPlaceholder = "<secret>"

    /// Why `url` cannot be posted to, or nil when it can.
    public static func problem(withURL url: String) -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), parsed.host?.isEmpty == false else {
            return "url \"\(url)\" is not an absolute URL"
        }
        return ["http", "https"].contains(scheme) ? nil : "url scheme must be http or https, not \"\(scheme)\""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // The URL often carries a token (Slack, PagerDuty and chat hooks), so it is shown as
        // `<secret>`, as Alertmanager shows a webhook's `url`.
        if url != nil { try container.encode(Self.secretPlaceholder, forKey: .url) }
        try container.encodeIfPresent(urlFile, forKey: .urlFile)
        try container.encode(sendResolved, forKey: .sendResolved)
        try container.encode(maxAlerts, forKey: .maxAlerts)
        try container.encode(httpConfig, forKey: .httpConfig)
    }
}
