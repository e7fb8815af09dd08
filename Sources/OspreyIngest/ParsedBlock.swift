import OspreyFormats
import OspreyModel

/// The samples of one block of a text-format push, parsed on its own (blocks are parsed on both
/// cores at once) and merged into the push's batch in order. Series stay raw bytes here; labels
/// are built once per push, at the merge, for series the batch has not seen.
public struct ParsedBlock: HeldInMemory {
    public var keys = SeriesKeyTable()
    /// The line each series first appears on, for errors about it.
    public var firstLines: [Int] = []
    public var seriesIndex: [Int32] = []
    public var timestamps: [Timestamp] = []
    public var values: [Double] = []
    /// What the block's `# TYPE` and `# HELP` lines say.
    public var metadata: [String: MetricMetadata] = [:]

    public var heldBytes: Int {
        seriesIndex.capacity * 4 + (timestamps.capacity + values.capacity + firstLines.capacity) * 8
    }

    /// Parses `block`, whose first line is line `linesBefore + 1` of the body.
    public init(
        _ block: [UInt8], linesBefore: Int, defaultTimestamp: Timestamp, timestampsAllowed: Bool = true
    ) throws(IngestError) {
        var parser = ExpositionParser(bytes: block, format: .text)
        parser.collectsMetadata = true
        defer { metadata = parser.metadata }
        do throws(ExpositionError) {
            while let numbered = try parser.nextSample(numbering: &keys) {
                let sample = numbered.sample
                if !timestampsAllowed, sample.timestamp != nil {
                    throw ExpositionError(
                        line: parser.line, reason: "pushed metrics must not have timestamps (the push time is theirs)")
                }
                if numbered.isNew { firstLines.append(linesBefore + parser.line) }
                seriesIndex.append(numbered.series)
                timestamps.append(sample.timestamp ?? defaultTimestamp)
                values.append(sample.value)
            }
        } catch {
            throw .badData("line \(linesBefore + error.line): \(error.reason)")
        }
    }
}
