import Foundation

/// A program a test talks to (an exporter, an instrumented app), started on loopback and
/// stopped by the test, as a user's would be.
public final class PeerProcess: @unchecked Sendable {
    // Process is not Sendable; this wrapper only starts it once and terminates it once.
    private let process: Process
    public let output = OutputCollector()

    private init(process: Process) {
        self.process = process
    }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// `workingDirectory`, when given, is where the program runs; otherwise where the tests do.
    public static func start(_ executable: String, _ arguments: [String], workingDirectory: String? = nil) throws -> PeerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
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
    public func stop() async throws {
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
    public static func freePort() throws -> Int {
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
