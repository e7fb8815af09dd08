import Foundation
import Synchronization

/// A command line program run to completion, as a user runs one: what it was given on standard
/// input, and what it printed on each stream.
public enum Program {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Off the cooperative pool: waiting on a child must not starve the servers it talks to.
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil) async throws -> Output {
        try await offCooperativePool { try runBlocking(executable, arguments, input: input) }
    }

    /// How long a program may run before it is killed, so that one that hangs fails its test
    /// rather than stalling the run.
    public static let longestRun: TimeInterval = 300

    /// Standard input is written and both outputs are read at once, each on a thread of its own:
    /// a pipe that fills while nobody reads it would stall the program.
    public static func runBlocking(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let watchdog = DispatchWorkItem { [process] in
            guard process.isRunning else { return }
            FileHandle.standardError.write(Data("Program: killing \(executable) after \(Int(longestRun)) s\n".utf8))
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + longestRun, execute: watchdog)
        defer { watchdog.cancel() }
        let errors = Mutex(Data())
        let done = DispatchGroup()
        done.enter()
        Thread.detachNewThread {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errors.withLock { $0 = data }
            done.leave()
        }
        done.enter()
        Thread.detachNewThread {
            if let input { stdin.fileHandleForWriting.write(input) }
            try? stdin.fileHandleForWriting.close()
            done.leave()
        }
        let printed = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        return Output(status: process.terminationStatus, stdout: printed, stderr: errors.withLock { $0 })
    }
}
