// STUB: replaced by the template branch.
public struct TemplateSample: Sendable { public var labels: [String: String]; public var value: Double
    public init(labels: [String: String], value: Double) { self.labels = labels; self.value = value } }
public typealias TemplateQuery = @Sendable (String) throws -> [TemplateSample]
public struct TemplateData: Sendable {
    public var labels: [String: String]; public var externalLabels: [String: String]
    public var externalURL: String; public var value: Double
    public init(labels: [String: String], externalLabels: [String: String], externalURL: String, value: Double) {
        self.labels = labels; self.externalLabels = externalLabels; self.externalURL = externalURL; self.value = value }
}
public struct TemplateError: Error, Sendable, CustomStringConvertible { public var description: String }
public struct AlertTemplate: Sendable {
    let text: String
    public init(_ text: String, name: String) throws(TemplateError) { self.text = text }
    public func render(_ data: TemplateData, query: TemplateQuery?) throws(TemplateError) -> String { text }
}
