import OspreyModel

/// Something that answers reads: the one read interface of the query engine and the API.
public protocol Queryable: Sendable {
    /// A reader over samples with `minTime ... maxTime` (milliseconds, inclusive).
    func querier(minTime: Timestamp, maxTime: Timestamp) -> any Querier
}

public protocol Querier {
    /// Series matching every matcher, each with its samples in the querier's time range, sorted
    /// by time, one sample per timestamp. Series with no sample in the range are left out.
    func select(_ matchers: [LabelMatcher]) throws(StorageError) -> [StoredSeries]

    /// `select(_:)` for a reader that may go away meanwhile: `isInterrupted` is asked as the
    /// work goes on (between one label value tested and the next), and once it says yes the
    /// select stops with `StorageError.interrupted`.
    func select(_ matchers: [LabelMatcher], stoppingIf isInterrupted: () -> Bool) throws(StorageError) -> [StoredSeries]

    /// Label names of the series matching `matchers` (all series when empty), sorted.
    func labelNames(matching matchers: [LabelMatcher]) throws(StorageError) -> [String]

    /// Values of label `name` among the series matching `matchers`, sorted.
    func labelValues(_ name: String, matching matchers: [LabelMatcher]) throws(StorageError) -> [String]
}

extension Querier {
    /// Queriers whose selects are quick ignore the reader's interruption.
    public func select(_ matchers: [LabelMatcher], stoppingIf isInterrupted: () -> Bool) throws(StorageError) -> [StoredSeries] {
        try select(matchers)
    }
}

/// One series and its samples, as a select returns it.
public struct StoredSeries: Sendable, Hashable {
    public var labels: Labels
    public var samples: [Sample]

    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}
