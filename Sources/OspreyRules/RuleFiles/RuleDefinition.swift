import OspreyConfig
import OspreyGoCompat
import OspreyModel
import OspreyQuery

/// One rule of a group: a recording rule (`record:`) or an alerting rule (`alert:`).
public struct RuleDefinition: Sendable, Hashable, Decodable {
    public enum Kind: Sendable, Hashable {
        case recording
        case alerting
    }

    public var kind: Kind
    /// The recorded metric's name, or the alert's name.
    public var name: String
    public var expr: Expr
    /// The expression as written in the file.
    public var exprText: String
    /// How long an alert stays pending before it fires (`for`).
    public var holdDuration: Duration
    /// How long an alert keeps firing after its condition stops holding (`keep_firing_for`).
    public var keepFiringFor: Duration
    /// Label templates (for alerts) or labels (for recorded series).
    public var labels: Labels
    /// Annotation templates of an alert.
    public var annotations: Labels

    public init(
        kind: Kind, name: String, exprText: String, holdDuration: Duration = .zero, keepFiringFor: Duration = .zero,
        labels: Labels = Labels(), annotations: Labels = Labels()
    ) throws(ParseError) {
        self.kind = kind
        self.name = name
        self.exprText = exprText
        expr = try PromQL.parse(exprText)
        self.holdDuration = holdDuration
        self.keepFiringFor = keepFiringFor
        self.labels = labels
        self.annotations = annotations
    }

    enum CodingKeys: String, CodingKey {
        case record, alert, expr, labels, annotations
        case holdDuration = "for"
        case keepFiringFor = "keep_firing_for"
    }

    /// The checks of Prometheus's rule file format, in its words.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let record = try container.decodeIfPresent(String.self, forKey: .record)
        let alert = try container.decodeIfPresent(String.self, forKey: .alert)
        let expression = try container.decodeIfPresent(CheckedExpression.self, forKey: .expr)
        let hold = try container.decodeIfPresent(DurationValue.self, forKey: .holdDuration)?.duration
        let keepFiring = try container.decodeIfPresent(DurationValue.self, forKey: .keepFiringFor)?.duration
        let labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        let annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]

        func fail(_ message: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
        }
        switch (record, alert) {
        case (nil, nil): throw fail("one of 'record' or 'alert' must be set")
        case (.some, .some): throw fail("only one of 'record' and 'alert' must be set")
        case (.some(let record), nil):
            kind = .recording
            name = record
            guard MetricNames.isValidMetricName(record) else { throw fail("invalid recording rule name: \(record)") }
            if !annotations.isEmpty { throw fail("invalid field 'annotations' in recording rule") }
            if hold != nil { throw fail("invalid field 'for' in recording rule") }
            if keepFiring != nil { throw fail("invalid field 'keep_firing_for' in recording rule") }
        case (nil, .some(let alert)):
            kind = .alerting
            name = alert
            guard !alert.isEmpty, alert.unicodeScalars.allSatisfy({ !$0.properties.isNoncharacterCodePoint }) else {
                throw fail("invalid alert name: \(alert)")
            }
        }
        guard let expression else {
            // A present but unreadable expression is reported already, at its own line.
            throw container.contains(.expr) ? AlreadyReported() : fail("field 'expr' must be set in rule")
        }
        expr = expression.expr
        exprText = expression.text
        holdDuration = hold ?? .zero
        keepFiringFor = keepFiring ?? .zero
        if holdDuration < .zero || keepFiringFor < .zero { throw fail("'for' and 'keep_firing_for' must not be negative") }

        for name in labels.keys.sorted() {
            if name == Labels.metricName { throw fail("invalid label name: \(name)") }
            guard MetricNames.isValidLabelName(name) else { throw fail("invalid label name: \(name)") }
        }
        for name in annotations.keys.sorted() where !MetricNames.isValidLabelName(name) {
            throw fail("invalid annotation name: \(name)")
        }
        if kind == .alerting {
            let templateName = "__alert_\(self.name)"
            for (field, texts) in [("label", labels), ("annotation", annotations)] {
                for key in texts.keys.sorted() {
                    do {
                        _ = try AlertTemplate(texts[key] ?? "", name: templateName)
                    } catch {
                        throw fail("\(field) \"\(key)\": \(error)")
                    }
                }
            }
        }
        self.labels = Labels(labels)
        self.annotations = Labels(annotations)
    }
}

/// An `expr:` value, parsed as it is read so that an error names the expression's own line.
private struct CheckedExpression: Decodable {
    var text: String
    var expr: Expr

    init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
        do {
            expr = try PromQL.parse(text)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "could not parse expression: \(error)"))
        }
    }
}
