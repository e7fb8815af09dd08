import Foundation
import OspreyFormats
import OspreyModel
import OspreyTestSupport
import Testing

/// A data folder written by the previous release (`Fixtures/previous-release`, made as its
/// README says) opens in this one: every database migrates, and the same questions get the
/// same answers.
@Suite struct PreviousReleaseDataTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/previous-release")

    /// The samples of the files the fixture was made from, by series.
    static func expected() throws -> [Labels: [Sample]] {
        var result: [Labels: [Sample]] = [:]
        for file in ["old.prom", "recent.prom"] {
            let bytes = [UInt8](try Data(contentsOf: fixture.appendingPathComponent(file)))
            var parser = ExpositionParser(bytes: bytes, format: .text)
            while let entry = try parser.next() {
                guard case .sample(let parsed) = entry, let timestamp = parsed.timestamp else { continue }
                result[parsed.labels, default: []].append(Sample(timestamp: timestamp, value: parsed.value))
            }
        }
        return result
    }

    @Test func aFolderOfThePreviousReleaseOpensAndAnswersTheSame() async throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Self.fixture.appendingPathComponent("data").path, toPath: folder.path + "/data")
        let expected = try Self.expected()
        #expect(expected.count == 6)

        try await TestServer.with(folder: folder) { server in
            let stored = try await server.select([
                try LabelMatcher(.regex, Labels.metricName, "fixture_(requests_total|temperature_celsius|queue_depth)")
            ])
            #expect(Dictionary(stored.map { ($0.labels, $0.samples) }) { first, _ in first } == expected)

            // Through the HTTP API too: the old window's cold groups and the recent window's chunks.
            let times = expected.values.flatMap { $0.map(\.timestamp) }
            let (first, last) = (times.min()! / 1000, times.max()! / 1000)
            let reply = try await server.get(
                "/api/v1/query_range?query=count(fixture_requests_total)&start=\(first)&end=\(last)&step=60")
            #expect(reply.status == 200)
            let body = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
            let data = body?["data"] as? [String: Any]
            let values = ((data?["result"] as? [[String: Any]])?.first?["values"] as? [[Any]]) ?? []
            let got = values.map { "\(($0.first as? NSNumber)?.int64Value ?? 0) \($0.last as? String ?? "")" }
            // Counted from the files: series with a sample in the five minutes up to each step (both ends in).
            let requests = expected.filter { $0.key.name == "fixture_requests_total" }.values
            let want = stride(from: first, through: last, by: 60).compactMap { step -> String? in
                let live = requests.filter { samples in samples.contains { $0.timestamp >= (step - 300) * 1000 && $0.timestamp <= step * 1000 } }
                return live.isEmpty ? nil : "\(step) \(live.count)"
            }
            #expect(got == want, "\(reply.body.prefix(300))")

            // The pushgateway's groups came along: replacing the group ends its old series.
            let group: [LabelMatcher] = [.equal("job", "nightly"), .equal("instance", "db1")]
            #expect(try await server.select(group).first?.samples.last?.value == 1.7e9)
            #expect(try await server.send("/metrics/job/nightly/instance/db1", method: .PUT, body: "fixture_other 1\n").status == 204)
            let replaced = try await server.select(group + [.equal(Labels.metricName, "fixture_job_last_success")])
            #expect(replaced.first?.samples.last?.value.isStaleMarker == true)

            // And the folder takes new samples.
            let now = Int64(Date().timeIntervalSince1970)
            let push = try await server.post(
                "/api/v1/import/prometheus", body: "fixture_queue_depth{queue=\"emails\"} 99 \(now * 1000)\n")
            #expect(push.status == 204)
            let latest = try await server.select([.equal(Labels.metricName, "fixture_queue_depth")])
            #expect(latest.first?.samples.last == Sample(timestamp: now * 1000, value: 99))
        }
    }
}
