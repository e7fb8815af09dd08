import Foundation

/// Runs the built `osprey` binary as a user would.
enum OspreyBinary {
    /// The products folder holding both the test bundle and the `osprey` executable.
    static var path: String {
        get throws {
            let candidates = [
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                Bundle.main.bundleURL.deletingLastPathComponent(),
                Bundle.main.bundleURL,
            ]
            for folder in candidates {
                let binary = folder.appendingPathComponent("osprey").path
                if FileManager.default.isExecutableFile(atPath: binary) { return binary }
            }
            throw TestFailure("osprey binary not found beside the tests in \(candidates.map(\.path))")
        }
    }

    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs to completion and captures both streams.
    static func run(_ arguments: [String], input: String? = nil) async throws -> Output {
        try await offCooperativePool { try runBlocking(arguments, input: input) }
    }

    private static func runBlocking(_ arguments: [String], input: String?) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data((input ?? "").utf8))
        try stdin.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// Collects what a running child process writes, safely across the reading thread and the test.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func attach(_ pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.data.append(chunk) }
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

/// Runs blocking work (waiting on a child process) on a thread of its own: blocking one of the
/// few cooperative threads would starve the in-process servers the child may be talking to.
func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try work() })
        }
    }
}
