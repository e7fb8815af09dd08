import OspreyFormats
import OspreyModel

/// The samples of one block of a text-format push, parsed on its own (blocks are parsed on both
/// cores at once) and merged into the push's batch in order. Series stay raw bytes here; labels
/// are built once per push, at the merge, for series the batch has not seen.
struct ParsedBlock: Sendable {
    var keys: [[UInt8]] = []
    /// The line each series first appears on, for errors about it.
    var firstLines: [Int] = []
    var seriesIndex: [Int32] = []
    var timestamps: [Timestamp] = []
    var values: [Double] = []

    /// Parses `block`, whose first line is line `linesBefore + 1` of the body.
    init(
        _ block: [UInt8], linesBefore: Int, defaultTimestamp: Timestamp, timestampsAllowed: Bool = true
    ) throws(APIError) {
        var parser = ExpositionParser(bytes: block, format: .text)
        var local: [RawSeriesKey: Int32] = [:]
        do {
            while let entry = try parser.next() {
                guard case .sample(let sample) = entry else { continue }
                if !timestampsAllowed, sample.timestamp != nil {
                    throw APIError.badData(
                        "line \(linesBefore + parser.line): pushed metrics must not have timestamps (the push time is theirs)")
                }
                let key = RawSeriesKey(sample.series)
                let index: Int32
                if let known = local[key] {
                    index = known
                } else {
                    index = Int32(keys.count)
                    local[key] = index
                    keys.append(Array(sample.series))
                    firstLines.append(linesBefore + parser.line)
                }
                seriesIndex.append(index)
                timestamps.append(sample.timestamp ?? defaultTimestamp)
                values.append(sample.value)
            }
        } catch let error as ExpositionError {
            throw .badData("line \(linesBefore + error.line): \(error.reason)")
        } catch let error as APIError {
            throw error
        } catch {
            throw .badData("\(error)")
        }
    }
}
