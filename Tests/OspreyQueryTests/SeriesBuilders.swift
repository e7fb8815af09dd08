// Builders of the small hand-written series and selectors the engine tests run on.
import OspreyModel
import OspreyQuery
import OspreyStorage

func series(_ name: String, _ labels: [String: String] = [:], _ points: [(Timestamp, Double)]) -> StoredSeries {
    StoredSeries(
        labels: Labels(labels.merging([Labels.metricName: name]) { a, _ in a }),
        samples: points.map { Sample(timestamp: $0.0, value: $0.1) })
}

func selector(_ name: String, offset: Int64 = 0, at: AtModifier? = nil) -> VectorSelector {
    VectorSelector(name: name, matchers: [.equal(Labels.metricName, name)], offset: offset, at: at)
}
