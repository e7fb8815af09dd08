import Foundation
import OspreyModel
import OspreyTSDB
import Testing

/// `osprey-bench durability-writer` commits in a loop and acknowledges each commit on stdout; we
/// SIGKILL it at various points, then every acknowledged commit must be in its data folder, whole.
@Suite(.serialized) struct DurabilityTests {
    /// `osprey-bench`, built beside the test bundle.
    static var benchBinary: String {
        get throws {
            let candidates = [
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                Bundle.main.bundleURL.deletingLastPathComponent(),
                Bundle.main.bundleURL,
            ]
            for folder in candidates {
                let binary = folder.appendingPathComponent("osprey-bench").path
                if FileManager.default.isExecutableFile(atPath: binary) { return binary }
            }
            struct NotFound: Error, CustomStringConvertible { var description: String }
            throw NotFound(description: "osprey-bench not found beside the tests in \(candidates.map(\.path))")
        }
    }

    /// Reads a child's stream on its own thread until end of file.
    final class StreamReader: @unchecked Sendable {
        private let condition = NSCondition()
        private var data = Data()
        private var ended = false

        init(_ pipe: Pipe) {
            let handle = pipe.fileHandleForReading
            let thread = Thread { [self] in
                while true {
                    let chunk = handle.availableData
                    condition.lock()
                    if chunk.isEmpty { ended = true } else { data.append(chunk) }
                    condition.broadcast()
                    condition.unlock()
                    if chunk.isEmpty { return }
                }
            }
            thread.start()
        }

        var text: String {
            condition.lock()
            defer { condition.unlock() }
            return String(decoding: data, as: UTF8.self)
        }

        /// The highest `committed <n>` among complete lines.
        var lastCommitted: Int? {
            text.split(separator: "\n").compactMap { line -> Int? in
                guard line.hasPrefix("committed ") else { return nil }
                return Int(line.dropFirst("committed ".count))
            }.max()
        }

        /// Waits until `ready` holds for the text read so far, or the stream ends, or the deadline.
        @discardableResult
        func wait(until deadline: Date, _ ready: (String) -> Bool) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while true {
                if ready(String(decoding: data, as: UTF8.self)) { return true }
                if ended || !condition.wait(until: deadline) { return ready(String(decoding: data, as: UTF8.self)) }
            }
        }

        func waitForEnd(until deadline: Date) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while !ended { if !condition.wait(until: deadline) { return ended } }
            return true
        }
    }

    struct Run: CustomStringConvertible {
        var folder: Int
        var fsync: String
        var checkpointEvery: Int
        /// Kill once this many more iterations than the previous run of the folder were acknowledged.
        var killAfter: Int
        var description: String { "folder \(folder), fsync \(fsync), checkpoint every \(checkpointEvery), kill after \(killAfter)" }
    }

    static let series = 50

    /// Launches the writer, kills it with SIGKILL once it acknowledged `start + killAfter`,
    /// returns the last iteration it acknowledged.
    private func runAndKill(_ run: Run, folder: String, start: Int, base: Timestamp) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.benchBinary)
        process.arguments = [
            "durability-writer", folder, "--series", "\(Self.series)", "--fsync", run.fsync, "--start", "\(start)",
            "--base-time", "\(base)", "--checkpoint-every", "\(run.checkpointEvery)",
        ]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdout = StreamReader(out)
        let stderr = StreamReader(err)
        try process.run()
        let target = start + run.killAfter
        let reached = stdout.wait(until: Date().addingTimeInterval(40)) { text in
            text.contains("committed \(target)\n")
        }
        // A few milliseconds more or less, so that the kill lands at different points of a commit
        // or a checkpoint from run to run.
        usleep(UInt32.random(in: 0...5000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(stdout.waitForEnd(until: Date().addingTimeInterval(10)))
        stderr.waitForEnd(until: Date().addingTimeInterval(10))
        #expect(reached, "\(run): the writer did not acknowledge iteration \(target); stderr: \(stderr.text)")
        #expect(process.terminationReason == .uncaughtSignal, "\(run): the writer exited by itself; stderr: \(stderr.text)")
        let last = try #require(stdout.lastCommitted, "\(run): nothing acknowledged; stderr: \(stderr.text)")
        #expect(last >= target)
        return last
    }

    /// Every series holds iterations 0...last (at most one more: committed, not yet printed).
    private func verify(folder: String, base: Timestamp, last: Int, _ context: String) throws {
        let storage = try MetricsStorage(path: folder)
        defer { try? storage.close() }
        let result = try storage.querier(minTime: 0, maxTime: .max).select([.equal("__name__", "osprey_durability")])
        #expect(result.count == Self.series, "\(context): \(result.count) series")
        var lengths = Set<Int>()
        for stored in result {
            lengths.insert(stored.samples.count)
            #expect(stored.samples.count >= last + 1, "\(context) \(stored.labels): \(stored.samples.count) samples, \(last + 1) acknowledged")
            #expect(stored.samples.count <= last + 2, "\(context) \(stored.labels): \(stored.samples.count) samples, \(last + 1) acknowledged")
            for (n, sample) in stored.samples.enumerated() where sample != Sample(timestamp: base + Int64(n) * 1000, value: Double(n)) {
                Issue.record("\(context) \(stored.labels): sample \(n) is (\(sample.timestamp - base), \(sample.value))")
                break
            }
        }
        #expect(lengths.count <= 1, "\(context): series of one commit differ in length \(lengths.sorted()): a commit survived in part")
    }

    @Test func sigkillLosesNoAcknowledgedCommit() throws {
        _ = try Self.benchBinary
        // Folder 1 is killed twice: the second run starts from a crashed, replayed folder.
        let runs = [
            Run(folder: 0, fsync: "always", checkpointEvery: 0, killAfter: 40),
            Run(folder: 1, fsync: "1s", checkpointEvery: 7, killAfter: 200),
            Run(folder: 1, fsync: "1s", checkpointEvery: 25, killAfter: 120),
            Run(folder: 2, fsync: "1s", checkpointEvery: 1, killAfter: 60),
            // Killed three times over, checkpointing often, with the WAL forced each commit.
            Run(folder: 3, fsync: "always", checkpointEvery: 3, killAfter: 100),
            Run(folder: 3, fsync: "always", checkpointEvery: 3, killAfter: 37),
            Run(folder: 3, fsync: "1s", checkpointEvery: 2, killAfter: 301),
        ]
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-durability-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let base = recentTime(secondsAgo: 3600)
        var acknowledged: [Int: Int] = [:]
        for run in runs {
            let folder = "\(root)/\(run.folder)"
            let start = acknowledged[run.folder].map { $0 + 1 } ?? 0
            let last = try runAndKill(run, folder: folder, start: start, base: base)
            acknowledged[run.folder] = last
            try verify(folder: folder, base: base, last: last, "\(run)")
        }
    }
}
