import Foundation

// Copied from Tests/OspreyServerTests/Support (a test target cannot share its sources with another).

/// A program a test talks to (an exporter, an instrumented app), started on loopback and
/// stopped by the test, as a user's would be.
final class PeerProcess: @unchecked Sendable {
    // Process is not Sendable; this wrapper only starts it once and terminates it once.
    private let process: Process
    let output = OutputCollector()

    private init(process: Process) {
        self.process = process
    }

    var processIdentifier: Int32 { process.processIdentifier }

    static func start(_ executable: String, _ arguments: [String]) throws -> PeerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let peer = PeerProcess(process: process)
        let pipe = Pipe()
        peer.output.attach(pipe)
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return peer
    }

    /// Stops the program and waits for it to be gone. SIGKILL, because a child inherits an
    /// ignored SIGTERM from a test process whose signal handling ignores it, and a Python app
    /// installs no handler of its own.
    func stop() async throws {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        let process = self.process
        try await offCooperativePool { process.waitUntilExit() }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// A loopback port free at the moment: the peer binds it right after, before anything else
    /// on this machine is likely to take it.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestFailure("socket() failed") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw TestFailure("could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
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

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
