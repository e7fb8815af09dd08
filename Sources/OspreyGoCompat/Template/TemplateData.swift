/// What an alert template sees: `.Labels`, `.ExternalLabels`, `.ExternalURL` and `.Value`, which
/// Prometheus also binds to `$labels`, `$externalLabels`, `$externalURL` and `$value`.
public struct TemplateData: Sendable, Equatable {
    public var labels: [String: String]
    public var externalLabels: [String: String]
    public var externalURL: String
    public var value: Double

    /// Data for one alert: its labels, the server's external labels and URL, and the value that fired it.
    public init(labels: [String: String], externalLabels: [String: String] = [:], externalURL: String = "", value: Double) {
        self.labels = labels
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.value = value
    }
}
