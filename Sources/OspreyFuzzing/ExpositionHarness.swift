import OspreyFormats
import OspreyModel

/// The text and OpenMetrics parsers, read both ways the server reads them: entry by entry (the
/// family reader and `/metrics` tooling) and sample by sample with series numbered (pushes and
/// scrapes). Both ways must agree on every sample or on the first error, and what they return
/// must build labels and survive writing and reading again.
enum ExpositionHarness {
    static func run(_ input: UnsafeRawBufferPointer, format: ExpositionFormat) {
        let bytes = Array(input)
        let entries = readEntries(bytes, format: format)
        let numbered = readNumbered(bytes, format: format)
        switch (entries, numbered) {
        case (.success(let samples), .success(let again)):
            invariant(samples.count == again.count, "\(samples.count) entries but \(again.count) numbered samples")
            for (sample, other) in zip(samples, again) {
                invariant(sample.value.bitPattern == other.value.bitPattern, "value \(sample.value) read as \(other.value)")
                invariant(
                    sample.timestamp == other.timestamp,
                    "timestamp \(String(describing: sample.timestamp)) read as \(String(describing: other.timestamp))")
                invariant(sample.labels == other.labels, "labels \(sample.labels) read as \(other.labels)")
            }
            roundTrip(bytes, format: format)
        case (.failure(let error), .failure(let other)):
            invariant(error.line == other.line, "error on line \(error.line) (\(error.reason)) but numbered on line \(other.line) (\(other.reason))")
        case (.success, .failure(let error)):
            invariant(false, "entries read but numbered samples fail on line \(error.line): \(error.reason)")
        case (.failure(let error), .success):
            invariant(false, "numbered samples read but entries fail on line \(error.line): \(error.reason)")
        }
    }

    private struct Read {
        var labels: Labels
        var value: Double
        var timestamp: Timestamp?
    }

    private static func readEntries(_ bytes: [UInt8], format: ExpositionFormat) -> Result<[Read], ExpositionError> {
        var parser = ExpositionParser(bytes: bytes, format: format)
        parser.collectsMetadata = true
        var samples: [Read] = []
        do {
            while let entry = try parser.next() {
                if case .sample(let sample) = entry {
                    _ = sample.name
                    _ = sample.isCreatedTimestamp
                    samples.append(Read(labels: sample.labels, value: sample.value, timestamp: sample.timestamp))
                }
            }
        } catch {
            return .failure(error)
        }
        return .success(samples)
    }

    private static func readNumbered(_ bytes: [UInt8], format: ExpositionFormat) -> Result<[Read], ExpositionError> {
        var parser = ExpositionParser(bytes: bytes, format: format)
        parser.collectsMetadata = true
        parser.digestsComments = true
        var series = SeriesKeyTable()
        var samples: [Read] = []
        do {
            while let numbered = try parser.nextSample(numbering: &series) {
                invariant(Int(numbered.series) < series.count, "series number \(numbered.series) of \(series.count)")
                let key = bytes[numbered.sample.series]
                let labels = try ExpositionParser.labels(ofSeries: key, format: format)
                let stored = series.key(Int(numbered.series))
                let storedLabels = try ExpositionParser.labels(ofSeries: stored, format: format)
                invariant(storedLabels == labels, "series numbered \(numbered.series) has other labels than its line")
                samples.append(Read(labels: labels, value: numbered.sample.value, timestamp: numbered.sample.timestamp))
            }
        } catch {
            return .failure(error)
        }
        return .success(samples)
    }

    /// Families the parser read, written out and read again, are the same families.
    private static func roundTrip(_ bytes: [UInt8], format: ExpositionFormat) {
        guard let families = try? ExpositionParser.families(from: bytes, format: format) else { return }
        let written = ExpositionWriter(format: format).write(families)
        let again: [MetricFamily]
        do {
            again = try ExpositionParser.families(from: written, format: format)
        } catch {
            invariant(false, "written families do not read back: line \(error.line): \(error.reason)\n\(String(decoding: written, as: UTF8.self))")
            return
        }
        invariant(again == families, "families changed by writing and reading:\n\(families)\n\(again)")
    }
}
