import OspreyModel

/// Samples of one metric with their metadata, as an exposition groups them.
public struct MetricFamily: Hashable, Sendable {
    public var name: String
    public var type: MetricType
    public var help: String?
    public var unit: String?
    public var samples: [FamilySample]

    public init(
        name: String, type: MetricType = .unknown, help: String? = nil, unit: String? = nil,
        samples: [FamilySample] = []
    ) {
        self.name = name
        self.type = type
        self.help = help
        self.unit = unit
        self.samples = samples
    }
}

/// One sample of a family; `labels` holds the sample's full name under `__name__`.
public struct FamilySample: Hashable, Sendable {
    public var labels: Labels
    public var value: Double
    public var timestamp: Timestamp?
    public var exemplar: Exemplar?

    public init(labels: Labels, value: Double, timestamp: Timestamp? = nil, exemplar: Exemplar? = nil) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
        self.exemplar = exemplar
    }

    public static func == (lhs: FamilySample, rhs: FamilySample) -> Bool {
        lhs.labels == rhs.labels && lhs.value.bitPattern == rhs.value.bitPattern
            && lhs.timestamp == rhs.timestamp && lhs.exemplar == rhs.exemplar
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(labels)
        hasher.combine(value.bitPattern)
        hasher.combine(timestamp)
        hasher.combine(exemplar)
    }
}

extension ExpositionParser {
    /// Parses a whole exposition into families, each sample under the family it belongs to.
    public static func families(
        from bytes: [UInt8], format: ExpositionFormat
    ) throws(ExpositionError) -> [MetricFamily] {
        var parser = ExpositionParser(bytes: bytes, format: format)
        var families: [MetricFamily] = []
        func current(named name: String) -> Int {
            if let last = families.indices.last, families[last].name == name { return last }
            families.append(MetricFamily(name: name))
            return families.count - 1
        }
        while let entry = try parser.next() {
            switch entry {
            case .help(let metric, let text): families[current(named: metric)].help = text
            case .type(let metric, let type): families[current(named: metric)].type = type
            case .unit(let metric, let unit): families[current(named: metric)].unit = unit
            case .sample(let parsed):
                let sample = FamilySample(
                    labels: parsed.labels, value: parsed.value, timestamp: parsed.timestamp, exemplar: parsed.exemplar)
                if let last = families.indices.last,
                    parsed.type == families[last].type,
                    parsed.type != .unknown || parsed.name == families[last].name
                {
                    families[last].samples.append(sample)
                } else {
                    families[current(named: parsed.name)].samples.append(sample)
                }
            }
        }
        return families
    }
}
