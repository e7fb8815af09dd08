import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import OspreyCompression
import OspreyFormats
import Synchronization

/// Decompression bombs against an `osprey server` process on its default config: clients each
/// stream a gzip body of a few MB that inflates to gigabytes of sample lines, over and over, while
/// another client sends one-line pushes. Prints how much the server's resident memory grew, what
/// the bombs were answered, and how long the small pushes took, against the targets of issue 17.
struct BombBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bomb",
        abstract: "Concurrent gzip bombs against a server; resident memory and small-push latency meanwhile."
    )

    @Option(help: "Bombs sent at once.")
    var clients = 4

    @Option(help: "Bombs each client sends, one after another.")
    var rounds = 2

    @Option(help: "Decompressed size of one bomb, in MiB.")
    var inflatedMiB = 3072

    @Option(help: "What a bomb inflates to: lines (one sample line repeated, all parsed and staged) or zeros (one endless line).")
    var content = "lines"

    @Option(help: "Milliseconds between two small pushes.")
    var smallPushEvery = 50

    @Option(help: "The server's ingest.max_inflight_bytes; its default when not given.")
    var maxInflightBytes: Int?

    static let rssTargetMB = 256.0
    static let latencyTargetMs = 100.0

    func run() async throws {
        // One gzip member of 8 MiB of text, sent again and again: gzip readers take members one after
        // another, so the bomb is made in a moment and streamed without ever being held whole.
        let memberText: [UInt8]
        switch content {
        case "lines": memberText = Array(String(repeating: "bomb_metric{instance=\"attacker\"} 1\n", count: (8 << 20) / 35).utf8)
        case "zeros": memberText = [UInt8](repeating: 0x30, count: 8 << 20)
        default: throw ValidationError("--content is lines or zeros")
        }
        let member = try Gzip.compress(memberText, level: 1)
        let members = max(1, (inflatedMiB << 20) / memberText.count)
        let bombBytes = member.count * members
        print(
            String(
                format: "bomb: %.1f MB of gzip inflating to %.2f GiB of %@ (%d members of %d bytes)",
                Double(bombBytes) / 1e6, Double(members * memberText.count) / Double(1 << 30), content, members, member.count))

        // The server runs as its own process, so its memory is measured without the clients'.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-bomb-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = maxInflightBytes.map { "ingest:\n  max_inflight_bytes: \($0)\n" } ?? ""
        try config.write(toFile: folder + "/osprey.yml", atomically: true, encoding: .utf8)
        let (server, base) = try Peers.launchOsprey(config: folder + "/osprey.yml", data: folder + "/data")
        defer { if server.isRunning { server.terminate() } }
        let pid = server.processIdentifier
        let residentMegabytes = { @Sendable in Self.residentMegabytes(of: pid) }
        let client = HTTPClient.shared

        // Warm up: the server's first pushes allocate what every push needs.
        for _ in 0..<20 { _ = try await Self.smallPush(base: base, client: client) }
        let baseline = residentMegabytes()
        let progress = Progress(baselineKilobytes: Int(baseline * 1024))

        let sampler = Task {
            while !progress.stop.load(ordering: .relaxed) {
                progress.peakKilobytes.max(Int(residentMegabytes() * 1024), ordering: .relaxed)
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        // What the server counts against ingest.max_inflight_bytes, read less often: it is a scrape.
        let counted = Task {
            while !progress.stop.load(ordering: .relaxed) {
                if let drawn = try? await Self.inflightBytes(base: base, client: client) {
                    progress.peakDrawnBytes.max(drawn, ordering: .relaxed)
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        let start = ContinuousClock.now
        let smallPushes = Task { () -> (latencies: [Double], failures: [String], slowestAt: Double) in
            var latencies: [Double] = []
            var slowestAt = 0.0
            var failures: [String] = []
            while !progress.stop.load(ordering: .relaxed) {
                let began = ContinuousClock.now
                do {
                    let status = try await Self.smallPush(base: base, client: client)
                    if status != 204 { failures.append("answered \(status)") }
                } catch {
                    failures.append("\(error)")
                }
                let latency = (ContinuousClock.now - began).seconds * 1000
                if latency > (latencies.max() ?? 0) { slowestAt = (began - start).seconds }
                latencies.append(latency)
                try? await Task.sleep(for: .milliseconds(smallPushEvery))
            }
            return (latencies, failures, slowestAt)
        }

        let answers = try await withThrowingTaskGroup(of: [String].self) { bombs in
            for _ in 0..<clients {
                bombs.addTask {
                    var answers: [String] = []
                    for _ in 0..<rounds {
                        answers.append(try await Self.sendBomb(base: base, member: member, members: members, client: client))
                    }
                    return answers
                }
            }
            var all: [String] = []
            for try await answers in bombs { all += answers }
            return all
        }
        let bombSeconds = (ContinuousClock.now - start).seconds
        progress.stop.store(true, ordering: .relaxed)
        _ = await sampler.value
        _ = await counted.value
        let (latencies, failures, slowestAt) = await smallPushes.value
        try await Task.sleep(for: .seconds(2))
        let after = residentMegabytes()
        server.terminate()
        server.waitUntilExit()

        let added = Double(progress.peakKilobytes.load(ordering: .relaxed)) / 1024 - baseline
        let sorted = latencies.sorted()
        let worst = sorted.last ?? .nan
        let counts = Dictionary(grouping: answers) { $0 }.map { "\($1.count)x \($0)" }.sorted().joined(separator: ", ")
        print(String(format: "%d concurrent clients x %d bombs: answered %@ in %.1f s", clients, rounds, counts, bombSeconds))
        print(
            String(
                format: "resident memory: %.0f MB before, peak %.0f MB (+%.0f MB; target at most +%.0f MB: %@), %.0f MB 2 s after",
                baseline, baseline + added, added, Self.rssTargetMB, added <= Self.rssTargetMB ? "met" : "MISSED", after))
        print(
            String(
                format: "counted by the server against ingest.max_inflight_bytes: peak %.0f MB beyond the pushes' free first MiB",
                Double(progress.peakDrawnBytes.load(ordering: .relaxed)) / 1e6))
        if sorted.isEmpty {
            print("small pushes: none sent")
        } else {
            print(
                String(
                    format:
                        "small pushes meanwhile: %d sent, %d failed; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms at +%.1f s (target under %.0f ms: %@)",
                    sorted.count, failures.count, sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)], worst, slowestAt,
                    Self.latencyTargetMs, worst < Self.latencyTargetMs && failures.isEmpty ? "met" : "MISSED"))
        }
        if let failure = failures.first { print("first small-push failure: \(failure)") }
    }

    /// One line, as a batch job pushes its result.
    static func smallPush(base: String, client: HTTPClient) async throws -> UInt {
        var request = HTTPClientRequest(url: base + "/api/v1/import/prometheus")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "small_push_done{job=\"nightly\"} 1\n"))
        let response = try await client.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.status.code
    }

    /// `osprey_ingest_inflight_bytes` from the server's own metrics.
    static func inflightBytes(base: String, client: HTTPClient) async throws -> Int? {
        let response = try await client.execute(HTTPClientRequest(url: base + "/metrics"), timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        return ExpositionParser.value(of: "osprey_ingest_inflight_bytes", in: text).map { Int($0) }
    }

    /// Streams one bomb and gives the server's answer (status and the start of its message).
    static func sendBomb(base: String, member: [UInt8], members: Int, client: HTTPClient) async throws -> String {
        let chunk = ByteBuffer(bytes: member)
        var request = HTTPClientRequest(url: base + "/api/v1/import/prometheus")
        request.method = .POST
        request.headers.add(name: "Content-Encoding", value: "gzip")
        request.body = .stream(BombChunks(chunk: chunk, count: members), length: .known(Int64(member.count * members)))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(600))
        } catch {
            // The server answered and closed the connection while the bomb was still being sent.
            return "closed while sending"
        }
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        let reason = body.range(of: #""error":""#).map { String(body[$0.upperBound...].prefix(40)) } ?? ""
        return "\(response.status.code) \(reason)"
    }

    /// VmRSS from /proc: the resident memory of the server process now.
    static func residentMegabytes(of process: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return -1 }
        return kilobytes / 1024
    }
}

/// What the sampler and the small pushes share with the run.
private final class Progress: Sendable {
    let peakKilobytes: Atomic<Int>
    let peakDrawnBytes = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    init(baselineKilobytes: Int) { peakKilobytes = Atomic(baselineKilobytes) }
}

/// The same gzip member `count` times, made as it is sent.
private struct BombChunks: AsyncSequence, Sendable {
    let chunk: ByteBuffer
    let count: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunk: ByteBuffer
        var left: Int
        mutating func next() async -> ByteBuffer? {
            guard left > 0 else { return nil }
            left -= 1
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunk: chunk, left: count) }
}
