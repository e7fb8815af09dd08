import Foundation
import OspreyTestSupport

/// Runs the built `osprey` binary as a user would.
enum OspreyBinary {
    static var path: String {
        get throws { try BuiltProduct.path(of: "osprey") }
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
