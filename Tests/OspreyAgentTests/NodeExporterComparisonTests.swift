import Foundation
import OspreyAgent
import OspreyFormats
import OspreyModel
import OspreyTestSupport
import Testing

/// Osprey's host collectors next to Debian's node_exporter 1.5 on this machine: the same
/// metric names, HELP, TYPE and label sets, and the same values where the host holds still.
struct NodeExporterComparisonTests {
    static let nodeExporter = "/usr/bin/prometheus-node-exporter"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: nodeExporter)), .needsAQuietMachine)
    func sameMetricsAsNodeExporter() async throws {
        let port = try PeerProcess.freePort()
        let exporter = try PeerProcess.start(
            Self.nodeExporter,
            ["--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults"]
                + HostCollectors.allNames.map { "--collector.\($0)" })
        defer { Task { try? await exporter.stop() } }

        var text = ""
        try await eventually(timeout: .seconds(60)) {
            guard let body = try? Self.get(port: port, path: "/metrics") else { return false }
            text = body
            return true
        }
        let osprey = try HostCollectors().collect()
        try await exporter.stop()

        let reference = try ExpositionParser.families(from: Array(text.utf8), format: .text).filter { family in
            // The exporter's own process, Go runtime and HTTP handler metrics are not host metrics.
            family.name.hasPrefix("node_") && family.name != "node_exporter_build_info"
        }
        let referenceByName = Dictionary(reference.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let ospreyByName = Dictionary(osprey.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(osprey.count == ospreyByName.count, "each family once")
        #expect(reference.count > 100, "node_exporter answered with its host metrics")

        #expect(
            Set(ospreyByName.keys).subtracting(referenceByName.keys).isEmpty,
            "only in Osprey: \(Set(ospreyByName.keys).subtracting(referenceByName.keys).sorted())")
        #expect(
            Set(referenceByName.keys).subtracting(ospreyByName.keys).isEmpty,
            "only in node_exporter: \(Set(referenceByName.keys).subtracting(ospreyByName.keys).sorted())")
        for (name, family) in ospreyByName {
            guard let theirs = referenceByName[name] else { continue }
            #expect(family.help == theirs.help, "HELP of \(name)")
            #expect(family.type == theirs.type, "TYPE of \(name)")
            if !name.hasPrefix("node_scrape_collector_") {
                let ours = Set(family.samples.map { $0.labels.removing(Labels.metricName).map(\.name).sorted() })
                let theirNames = Set(theirs.samples.map { $0.labels.removing(Labels.metricName).map(\.name).sorted() })
                #expect(ours == theirNames, "label names of \(name)")
            }
        }

        for name in [
            "node_filesystem_size_bytes", "node_network_receive_bytes_total", "node_cpu_seconds_total",
            "node_disk_info", "node_uname_info", "node_scrape_collector_success",
        ] {
            #expect(
                Set(ospreyByName[name]?.samples.map(\.labels) ?? [])
                    == Set(referenceByName[name]?.samples.map(\.labels) ?? []),
                "series of \(name)")
        }

        func values(_ name: String, _ families: [String: MetricFamily]) -> [Labels: Double] {
            Dictionary(
                (families[name]?.samples ?? []).map { ($0.labels, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        // Gauges that do not move while the test runs.
        for name in [
            "node_memory_MemTotal_bytes", "node_memory_SwapTotal_bytes", "node_filesystem_size_bytes",
            "node_filesystem_files", "node_boot_time_seconds", "node_uname_info", "node_time_zone_offset_seconds",
        ] {
            #expect(values(name, ospreyByName) == values(name, referenceByName), "values of \(name)")
            #expect(!values(name, ospreyByName).isEmpty, "\(name) present")
        }
        // Counters move between the two reads by what a few busy seconds add at most.
        for (name, tolerance) in [("node_cpu_seconds_total", 5.0), ("node_context_switches_total", 1e6)] {
            let theirs = values(name, referenceByName)
            for (labels, value) in values(name, ospreyByName) {
                let reference = try #require(theirs[labels], "\(labels) in node_exporter")
                // Not ">=": the kernel's iowait can step back between reads on tickless kernels.
                #expect(abs(value - reference) <= tolerance, "\(labels): \(value) vs \(reference)")
            }
        }
        // What an agent would serve parses back to the same families.
        let served = ExpositionWriter(format: .text).write(osprey)
        let reparsed = try ExpositionParser.families(from: served, format: .text)
        #expect(reparsed.map(\.name) == osprey.map(\.name))
        #expect(reparsed.map(\.samples.count) == osprey.map(\.samples.count))
        #expect(reparsed.map(\.help) == osprey.map(\.help))

        let ourTime = try #require(values("node_time_seconds", ospreyByName).values.first)
        let theirTime = try #require(values("node_time_seconds", referenceByName).values.first)
        #expect(abs(ourTime - theirTime) < 5)
    }

    /// A plain HTTP/1.0 GET on loopback, the connection closed by the server after the body.
    static func get(port: Int, path: String) throws -> String {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestFailure("socket() failed") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw TestFailure("connect to \(port) failed") }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw TestFailure("send failed")
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response.append(contentsOf: chunk[0..<count])
        }
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.") && text.contains(" 200 "), let split = text.range(of: "\r\n\r\n") else {
            throw TestFailure("unexpected response: \(text.prefix(200))")
        }
        return String(text[split.upperBound...])
    }
}
