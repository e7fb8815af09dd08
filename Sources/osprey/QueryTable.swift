import OspreyModel

/// How `osprey query` shows a result on a terminal: an instant vector as aligned series and
/// values, a range result as one line per series with a sparkline and its min, max and last
/// value, a scalar or string as itself.
enum QueryTable {
    static func render(_ data: QueryData) -> String {
        switch data {
        case .scalar(let point), .string(let point):
            return point.value + "\n"
        case .vector(let series):
            let rows = series.map { [Labels($0.metric).description, $0.value?.value ?? ""] }
            return table(rows)
        case .matrix(let series):
            let rows = series.map { one -> [String] in
                let points = one.values ?? []
                let finite = points.filter { $0.number.isFinite }
                let lowest = finite.min { $0.number < $1.number }
                let highest = finite.max { $0.number < $1.number }
                return [
                    Labels(one.metric).description, sparkline(points.map(\.number)),
                    "min " + (lowest?.value ?? "-"), "max " + (highest?.value ?? "-"),
                    "last " + (points.last?.value ?? "-"),
                ]
            }
            return table(rows)
        }
    }

    /// Columns padded to their widest cell, two spaces apart; the last column is not padded.
    static func table(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One bar per value, scaled between the smallest and largest; at most `width` bars, each
    /// then the mean of its share of the values. NaN and infinities leave a gap.
    static func sparkline(_ values: [Double], width: Int = 60) -> String {
        guard !values.isEmpty else { return "" }
        let buckets = min(width, values.count)
        let columns: [Double] = (0..<buckets).map { bucket in
            let share = values[(bucket * values.count / buckets)..<((bucket + 1) * values.count / buckets)]
            let finite = share.filter(\.isFinite)
            return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
        }
        let finite = columns.filter(\.isFinite)
        guard let lowest = finite.min(), let highest = finite.max() else {
            return String(repeating: " ", count: columns.count)
        }
        return String(
            columns.map { value -> Character in
                guard value.isFinite else { return " " }
                guard highest > lowest else { return bars[0] }
                // Halved first: the span of two finite values can overflow to infinity.
                let fraction = (value / 2 - lowest / 2) / (highest / 2 - lowest / 2)
                guard fraction.isFinite else { return bars[0] }
                let level = Int((fraction * Double(bars.count - 1)).rounded())
                return bars[min(max(level, 0), bars.count - 1)]
            })
    }
}
