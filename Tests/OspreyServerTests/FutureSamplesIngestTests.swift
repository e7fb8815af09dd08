import Foundation
import OspreyModel
import Testing

/// `storage.max_future`: a push holding a sample further ahead of the clock than that is
/// answered 400 naming the series, nothing of it is stored, and the refusal is counted. Before,
/// timestamps up to the end of 64 bits were taken, each making a shard retention never deletes.
@Suite struct FutureSamplesIngestTests {
    @Test func aPushWithASampleTooFarAheadIsRefusedWholeAndCounted() async throws {
        try await TestServer.with(config: "storage:\n  max_future: 1h\n") { server in
            let now = SystemClock().now()
            let soon = now + 30 * 60_000
            let far = now + 2 * 3_600_000

            let text = try await server.post(
                "/api/v1/import/prometheus", body: "ok_metric 1 \(soon)\nahead_metric{job=\"x\"} 2 \(far)\n")
            #expect(text.status == 400)
            #expect(text.body.contains(#"ahead_metric{job=\"x\"}"#), "\(text.body)")
            #expect(text.body.contains("too far in the future") && text.body.contains("storage.max_future"), "\(text.body)")

            let endOfTime = try await server.post("/api/v1/import/prometheus", body: "end_of_time 1 9223372036854775807\n")
            #expect(endOfTime.status == 400)
            #expect(endOfTime.body.contains("end_of_time"), "\(endOfTime.body)")

            let json = #"{"metric":{"__name__":"json_ahead"},"values":[1,2],"timestamps":[\#(now),\#(far)]}"#
            let imported = try await server.post("/api/v1/import", body: json + "\n")
            #expect(imported.status == 400)
            #expect(imported.body.contains("json_ahead"), "\(imported.body)")

            for name in ["ok_metric", "ahead_metric", "end_of_time", "json_ahead"] {
                #expect(try await server.select([.equal(Labels.metricName, name)]).isEmpty, "\(name) was stored")
            }

            // Within the tolerance is taken, at the time it says.
            #expect(try await server.post("/api/v1/import/prometheus", body: "ok_metric 1 \(soon)\n").status == 204)
            let stored = try await server.select([.equal(Labels.metricName, "ok_metric")])
            #expect(stored.first?.samples == [Sample(timestamp: soon, value: 1)])

            let metrics = try await server.get("/metrics")
            #expect(metrics.body.contains(#"osprey_storage_samples_rejected_total{reason="too_far_in_future"} 3"#), "\(metrics.body)")
        }
    }

    @Test func theDefaultToleranceIsTenMinutes() async throws {
        try await TestServer.with { server in
            let now = SystemClock().now()
            let refused = try await server.post("/api/v1/import/prometheus", body: "later 1 \(now + 20 * 60_000)\n")
            #expect(refused.status == 400, "\(refused.body)")
            let taken = try await server.post("/api/v1/import/prometheus", body: "sooner 1 \(now + 5 * 60_000)\n")
            #expect(taken.status == 204, "\(taken.body)")
        }
    }
}
