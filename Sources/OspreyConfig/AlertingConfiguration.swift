/// `alerting:`: where alerts go once a rule fires. Alertmanager's `global`, `route` and
/// `receivers` (pasted from alertmanager.yml) and Prometheus's `alertmanagers` side by side.
public struct AlertingConfiguration: Codable, Equatable, Sendable {
    /// After how long an alert that stopped being sent counts as resolved: Alertmanager's `global.resolve_timeout`.
    public var resolveTimeout: Duration
    /// How often a still-firing alert is sent again: Prometheus's `--rules.alert.resend-delay`.
    public var resendDelay: Duration
    /// The routing tree; nil when Osprey notifies no receivers itself.
    public var route: AlertingRouteConfiguration?
    public var receivers: [AlertingReceiverConfiguration]
    public var alertmanagers: [AlertingAlertmanagerConfiguration]

    public init(
        resolveTimeout: Duration = .seconds(300), resendDelay: Duration = .seconds(60), route: AlertingRouteConfiguration? = nil,
        receivers: [AlertingReceiverConfiguration] = [], alertmanagers: [AlertingAlertmanagerConfiguration] = []
    ) {
        self.resolveTimeout = resolveTimeout
        self.resendDelay = resendDelay
        self.route = route
        self.receivers = receivers
        self.alertmanagers = alertmanagers
    }

    /// The receiver named `name`.
    public func receiver(named name: String) -> AlertingReceiverConfiguration? {
        receivers.first { $0.name == name }
    }

    /// Parts of alertmanager.yml Osprey does not implement; naming one is an error.
    static let unsupportedKeys = ["inhibit_rules", "templates", "time_intervals", "mute_time_intervals", "alert_relabel_configs"]

    private static let missingRouteProblem = "route: a route is needed to send alerts to the receivers"

    enum CodingKeys: String, CodingKey {
        case global, route, receivers, alertmanagers
        case resendDelay = "resend_delay"
    }

    enum GlobalKeys: String, CodingKey {
        case resolveTimeout = "resolve_timeout"
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = AlertingConfiguration()
        var resolveTimeout = defaults.resolveTimeout
        if container.contains(.global) {
            let global = try container.nestedContainer(keyedBy: GlobalKeys.self, forKey: .global)
            resolveTimeout = try global.decodeIfPresent(DurationValue.self, forKey: .resolveTimeout)?.duration ?? resolveTimeout
        }
        self.init(
            resolveTimeout: resolveTimeout,
            resendDelay: try container.decodeIfPresent(DurationValue.self, forKey: .resendDelay)?.duration ?? defaults.resendDelay,
            route: try container.decodeIfPresent(AlertingRouteConfiguration.self, forKey: .route),
            receivers: try container.decodeIfPresent([AlertingReceiverConfiguration].self, forKey: .receivers) ?? [],
            alertmanagers: try container.decodeIfPresent([AlertingAlertmanagerConfiguration].self, forKey: .alertmanagers) ?? [])
        var problems: [String] = []
        let others = try decoder.container(keyedBy: AnyKey.self)
        for key in Self.unsupportedKeys where others.contains(AnyKey(stringValue: key)) {
            problems.append("\(key) is not supported by Osprey")
        }
        // A route that failed to decode is already reported; "no route" would only repeat it.
        problems += self.problems.filter { !(container.contains(.route) && $0.hasPrefix(Self.missingRouteProblem)) }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    /// What is wrong across the route tree and receivers, as Alertmanager checks its config.
    public var problems: [String] {
        var problems: [String] = []
        var names: Set<String> = []
        for receiver in receivers where !receiver.name.isEmpty && !names.insert(receiver.name).inserted {
            problems.append("receivers: notification config name \"\(receiver.name)\" is not unique")
        }
        if resolveTimeout <= .zero { problems.append("global.resolve_timeout must be greater than 0s") }
        if resendDelay <= .zero { problems.append("resend_delay must be greater than 0s") }
        guard let route else {
            if !receivers.isEmpty { problems.append(Self.missingRouteProblem) }
            return problems
        }
        if route.receiver?.isEmpty ?? true { problems.append("route: root route must specify a default receiver") }
        if route.hasMatchers { problems.append("route: root route must not have any matchers") }
        if route.continue { problems.append("route: cannot have continue in root route") }
        var reported: Set<String> = []
        for name in route.referencedReceivers where !names.contains(name) && reported.insert(name).inserted {
            problems.append("route: undefined receiver \"\(name)\" used in route")
        }
        return problems
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var global = container.nestedContainer(keyedBy: GlobalKeys.self, forKey: .global)
        try global.encode(resolveTimeout.prometheusString, forKey: .resolveTimeout)
        try container.encode(resendDelay.prometheusString, forKey: .resendDelay)
        try container.encodeIfPresent(route, forKey: .route)
        if !receivers.isEmpty { try container.encode(receivers, forKey: .receivers) }
        if !alertmanagers.isEmpty { try container.encode(alertmanagers, forKey: .alertmanagers) }
    }
}
