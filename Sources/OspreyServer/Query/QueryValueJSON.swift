import OspreyModel
import OspreyQuery

extension JSONWriter {
    /// `{"resultType":"vector","result":[…]}` as Prometheus's `queryData`: a vector's elements as
    /// `{"metric":{…},"value":[t,"v"]}`, a matrix's series as `{"metric":{…},"values":[[t,"v"],…]}`,
    /// a scalar as `[t,"v"]` and a string as `[t,"s"]`.
    mutating func queryData(_ value: QueryValue) {
        raw(#"{"resultType":"#)
        string(value.resultType.rawValue)
        raw(#","result":"#)
        switch value {
        case .scalar(let sample):
            point(sample.timestamp, sample.value)
        case .string(let timestamp, let text):
            raw("[")
            self.timestamp(timestamp)
            raw(",")
            string(text)
            raw("]")
        case .vector(let elements):
            raw("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { raw(",") }
                raw(#"{"metric":"#)
                labels(element.labels)
                raw(#","value":"#)
                point(element.timestamp, element.value)
                raw("}")
            }
            raw("]")
        case .matrix(let series):
            raw("[")
            for (index, one) in series.enumerated() {
                if index > 0 { raw(",") }
                raw(#"{"metric":"#)
                labels(one.labels)
                raw(#","values":["#)
                for (position, sample) in one.samples.enumerated() {
                    if position > 0 { raw(",") }
                    point(sample.timestamp, sample.value)
                }
                raw("]}")
            }
            raw("]")
        }
        raw("}")
    }
}

extension QueryValue {
    /// Roughly the bytes of the JSON, so the body buffer is allocated once.
    var estimatedJSONBytes: Int {
        switch self {
        case .scalar, .string: 128
        case .vector(let elements): 64 + elements.count * 160
        // `[1700000000.123,"0.12345678901234"],` runs to about 40 bytes; guessing short would
        // copy the whole buffer as it grows.
        case .matrix(let series): 64 + series.reduce(0) { $0 + 128 + $1.samples.count * 40 }
        }
    }
}
