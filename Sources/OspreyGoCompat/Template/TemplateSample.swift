/// Runs a PromQL instant query for the `query` function: the result as samples.
public typealias TemplateQuery = @Sendable (String) throws -> [TemplateSample]

/// One element of a `query` result, with the `.Labels` and `.Value` fields templates read.
public struct TemplateSample: Sendable, Equatable {
    public var labels: [String: String]
    public var value: Double

    /// A sample with its labels (`__name__` included when the query kept it) and value.
    public init(labels: [String: String], value: Double) {
        self.labels = labels
        self.value = value
    }
}
