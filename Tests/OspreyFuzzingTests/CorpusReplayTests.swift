import Foundation
import OspreyFuzzing
import OspreyTestSupport
import Testing

/// Every committed fuzz input (seeds, inputs the fuzzer found interesting, and every crash it
/// found, minimized) runs through its harness on every test run. Inputs run in the
/// `osprey-fuzz` binary, so a crash fails the test that replays it, naming the input, rather
/// than ending the whole test run.
@Suite struct CorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func inputs(of harness: FuzzHarness) throws -> [String] {
        let folder = corpus.appendingPathComponent(harness.rawValue).path
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }
    }

    @Test(arguments: FuzzHarness.allCases)
    func corpusReplaysWithoutACrash(_ harness: FuzzHarness) async throws {
        let inputs = try Self.inputs(of: harness)
        #expect(inputs.count >= 5, "\(harness.rawValue) has \(inputs.count) corpus inputs")
        let folder = Self.corpus.appendingPathComponent(harness.rawValue).path
        let output = try await Program.run(try BuiltProduct.path(of: "osprey-fuzz"), [harness.rawValue, folder])
        let stderr = output.stderrText.split(separator: "\n")
        let lastInput = stderr.last { $0.hasPrefix("\(harness.rawValue): ") } ?? "none"
        #expect(output.status == 0, "stopped at \(lastInput):\n\(stderr.suffix(40).joined(separator: "\n"))")
        #expect(output.stdoutText.contains("\(inputs.count) inputs ran"), "\(output.stdoutText)")
    }

    @Test func everyCorpusFolderBelongsToAHarness() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { !$0.hasPrefix(".") }
        #expect(Set(folders) == Set(FuzzHarness.allCases.map(\.rawValue)))
    }
}
