/// `alerting:`: where alerts go once a rule fires. Filled in by the notifier work.
public struct AlertingConfiguration: Codable, Equatable, Sendable {
    public init() {}
}
