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
        let output = try await Program.run(try path, arguments, input: Data((input ?? "").utf8))
        return Output(status: output.status, stdout: output.stdoutText, stderr: output.stderrText)
    }
}
