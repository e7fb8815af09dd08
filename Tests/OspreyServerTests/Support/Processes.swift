import Foundation
import OspreyTestSupport

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
