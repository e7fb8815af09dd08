import Foundation
import OspreyModel

#if canImport(Glibc)
    import Glibc
#endif

/// Starts peer programs (from Debian's packages) on loopback for side-by-side figures.
enum Peers {
    static func installed(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A free loopback port, found by binding port 0.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchError("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw BenchError("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a command to completion; returns its exit status and standard output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Polls `url` with curl until it answers 200, for at most `timeout`.
    static func waitUntilAnswering(_ url: String, timeout: Duration = .seconds(60)) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let curl = installed("curl"),
                (try? run(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", url]))?.output == "200"
            {
                return
            }
            usleep(50_000)
        }
        throw BenchError("\(url) did not answer within \(timeout)")
    }
}

extension Peers {
    /// Times VictoriaMetrics importing a file over HTTP until it is flushed to disk; returns the
    /// seconds and the bytes of its data folder.
    static func victoriaMetricsImport(file: String, victoriaMetrics: String, curl: String) throws -> (seconds: Double, bytes: Int64) {
        let port = try freePort()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-vm-\(port)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: victoriaMetrics)
        process.arguments = [
            "-httpListenAddr=127.0.0.1:\(port)", "-storageDataPath=\(folder)", "-retentionPeriod=100y", "-loggerLevel=ERROR",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let base = "http://127.0.0.1:\(port)"
        try waitUntilAnswering(base + "/health")
        let start = ContinuousClock.now
        let imported = try run(curl, ["-s", "-f", "--data-binary", "@" + file, base + "/api/v1/import/prometheus"])
        guard imported.status == 0 else { throw BenchError("victoria-metrics refused the import") }
        try run(curl, ["-s", "-f", base + "/internal/force_flush"])
        let elapsed = ContinuousClock.now - start
        // Stopped gracefully it writes out and merges what it holds, as Osprey's figure is after close.
        process.interrupt()
        process.waitUntilExit()
        return (elapsed.seconds, folderSize(folder))
    }

    /// Times `promtool tsdb create-blocks-from openmetrics`; returns the seconds and the bytes of
    /// the blocks it wrote.
    static func promtoolBackfill(openmetrics: String, promtool: String) throws -> (seconds: Double, bytes: Int64) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-promtool-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let start = ContinuousClock.now
        let result = try run(promtool, ["tsdb", "create-blocks-from", "openmetrics", openmetrics, folder])
        guard result.status == 0 else { throw BenchError("promtool backfill failed") }
        let elapsed = ContinuousClock.now - start
        return (elapsed.seconds, folderSize(folder))
    }

    static func folderSize(_ path: String) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        for case let relative as String in walker {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + relative)
            if attributes?[.type] as? FileAttributeType == .typeRegular, let size = attributes?[.size] as? NSNumber {
                total += size.int64Value
            }
        }
        return total
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Peers {
    /// Starts VictoriaMetrics with `file` imported and flushed; the caller stops the process.
    static func startVictoriaMetrics(_ victoriaMetrics: String, loading file: String, curl: String) throws -> (Process, String) {
        let port = try freePort()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-vm-\(port)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: victoriaMetrics)
        process.arguments = [
            "-httpListenAddr=127.0.0.1:\(port)", "-storageDataPath=\(folder)", "-retentionPeriod=100y", "-loggerLevel=ERROR",
            "-search.latencyOffset=0s",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let base = "http://127.0.0.1:\(port)"
        try waitUntilAnswering(base + "/health")
        guard try run(curl, ["-s", "-f", "--data-binary", "@" + file, base + "/api/v1/import/prometheus"]).status == 0 else {
            throw BenchError("victoria-metrics refused the import")
        }
        try run(curl, ["-s", "-f", base + "/internal/force_flush"])
        return (process, base)
    }

    /// Backfills `openmetrics` with promtool and starts Prometheus on the blocks.
    static func startPrometheus(_ prometheus: String, promtool: String, loading openmetrics: String) throws -> (Process, String) {
        let port = try freePort()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-prometheus-\(port)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard try run(promtool, ["tsdb", "create-blocks-from", "openmetrics", openmetrics, folder + "/data"]).status == 0 else {
            throw BenchError("promtool backfill failed")
        }
        let config = folder + "/prometheus.yml"
        try "global: {}\n".write(toFile: config, atomically: true, encoding: .utf8)
        return try launchPrometheus(prometheus, config: config, data: folder + "/data", port: port)
    }

    /// Runs Prometheus on loopback with this config and data folder (retention 100 years, so old
    /// yardstick data stays) and waits until it is ready; returns the process and its base URL.
    static func launchPrometheus(
        _ prometheus: String, config: String, data: String, port: Int? = nil
    ) throws -> (Process, String) {
        let port = try port ?? freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: prometheus)
        process.arguments = [
            "--config.file=\(config)", "--storage.tsdb.path=\(data)", "--storage.tsdb.retention.time=100y",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=error",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let base = "http://127.0.0.1:\(port)"
        try waitUntilAnswering(base + "/-/ready", timeout: .seconds(300))
        return (process, base)
    }

    /// Starts the `osprey` executable built beside this one as a server on a free port; returns
    /// the process and its base URL once it is ready.
    static func launchOsprey(config: String, data: String) throws -> (Process, String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("osprey").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("\(binary) not found: swift build -c release --product osprey")
        }
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["server", "--listen", "127.0.0.1:\(port)", "--data", data, "--config", config, "--log-level", "error"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let base = "http://127.0.0.1:\(port)"
        try waitUntilAnswering(base + "/-/ready")
        return (process, base)
    }
}
