// Replays inputs through a harness without libFuzzer, as the tests and a plain build do.
import Foundation
import OspreyFuzzing

enum CorpusReplay {
    /// Runs every file given, and every file in every folder given (sorted, hidden files left
    /// out); each path goes to standard error before it runs, so a trap names its input.
    static func run(_ harness: FuzzHarness, paths: [String]) -> Int32 {
        var count = 0
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("no such file or folder: \(path)\n".utf8))
                return 1
            }
            let files: [String]
            if isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files = names.filter { !$0.hasPrefix(".") }.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files = [path]
            }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
                    return 1
                }
                FileHandle.standardError.write(Data("\(harness.rawValue): \(file)\n".utf8))
                harness.run(Array(data))
                count += 1
            }
        }
        print("\(harness.rawValue): \(count) inputs ran")
        return 0
    }
}
