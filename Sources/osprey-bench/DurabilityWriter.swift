import ArgumentParser
import Foundation
import OspreyModel
import OspreyStorage
import OspreyTSDB

/// Appends to a storage until killed, printing `committed <n>` after each commit returns: a crash
/// test SIGKILLs it and then checks that every acknowledged iteration is in the data folder.
struct DurabilityWriter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "durability-writer",
        abstract: "Append one sample per series per iteration until killed, printing `committed <n>` after each commit."
    )

    enum Fsync: String, ExpressibleByArgument, CaseIterable {
        case always
        case oneSecond = "1s"
    }

    @Argument(help: ArgumentHelp("Data folder to open (created if missing).", valueName: "DATA_DIR"))
    var dataDir: String

    @Option(help: "Series written each iteration.")
    var series = 50

    @Option(help: "When the WAL is forced to disk: always (before each commit returns) or 1s (every second).")
    var fsync: Fsync = .oneSecond

    @Option(help: "Number of the first iteration.")
    var start = 0

    @Option(help: "Timestamp (ms) of iteration 0; iteration n is written at base + n * 1000. Now by default.")
    var baseTime: Int64?

    @Option(help: "Checkpoint (move the head to shards, empty the WAL) every this many iterations; 0 for never.")
    var checkpointEvery = 0

    @Option(help: "Stop after this many iterations; run until killed by default.")
    var iterations: Int?

    func run() throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let options = StorageOptions(walFsync: fsync == .always ? .always : .interval(.seconds(1)))
        let storage = try MetricsStorage(path: dataDir, options: options)
        if fsync == .oneSecond {
            let syncer = Thread {
                while true {
                    Thread.sleep(forTimeInterval: 1)
                    try? storage.syncWAL()
                }
            }
            syncer.start()
        }
        let base = baseTime ?? SystemClock().now()
        let labels = (0..<series).map { Labels([Label(Labels.metricName, "osprey_durability"), Label("series", "\($0)")]) }
        var refs: [SeriesRef] = []
        var iteration = start
        while iterations.map({ iteration < start + $0 }) ?? true {
            var appender = storage.appender()
            let timestamp = base + Int64(iteration) * 1000
            if refs.isEmpty {
                refs = try labels.map { try appender.append($0, timestamp: timestamp, value: Double(iteration)) }
            } else {
                for ref in refs { try appender.append(ref, timestamp: timestamp, value: Double(iteration)) }
            }
            try appender.commit()
            FileHandle.standardOutput.write(Data("committed \(iteration)\n".utf8))
            iteration += 1
            if checkpointEvery > 0, iteration % checkpointEvery == 0 {
                try storage.checkpoint()
            }
        }
        try storage.close()
    }
}
