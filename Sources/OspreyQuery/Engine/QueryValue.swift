import OspreyModel

/// One series' value at one instant of an instant query.
public struct VectorElement: Sendable, Hashable {
    public var labels: Labels
    public var timestamp: Timestamp
    public var value: Double

    public init(labels: Labels, timestamp: Timestamp, value: Double) {
        self.labels = labels
        self.timestamp = timestamp
        self.value = value
    }
}

/// One series' values over a range query's steps (or a range selector's window).
public struct RangeSeries: Sendable, Hashable {
    public var labels: Labels
    public var samples: [Sample]

    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}

/// A query's answer, in the shapes of Prometheus's API `resultType`s.
public enum QueryValue: Sendable, Hashable {
    case scalar(Sample)
    case string(timestamp: Timestamp, value: String)
    case vector([VectorElement])
    case matrix([RangeSeries])

    public var resultType: ValueType {
        switch self {
        case .scalar: .scalar
        case .string: .string
        case .vector: .vector
        case .matrix: .matrix
        }
    }
}
