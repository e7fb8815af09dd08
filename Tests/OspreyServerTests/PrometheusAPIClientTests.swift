import Foundation
import OspreyModel
import Testing

/// The query API as PyPI's `prometheus-api-client` calls it (needs the PromQL engine).
@Suite struct PrometheusAPIClientTests {
    static var pythonAvailable: Bool {
        (try? Command.runBlocking("/usr/bin/env", ["python3", "-c", "pass"])) != nil
    }

    @Test(.enabled(if: pythonAvailable)) func customQueriesReadOspreysAnswers() async throws {
        try await TestServer.with { server in
            let now = SystemClock().now()
            let body = """
                py_items{shop="eu"} 2 \(now - 31_000)
                py_items{shop="us"} 3 \(now - 31_000)
                py_items{shop="eu"} 4 \(now - 1000)
                py_items{shop="us"} 5 \(now - 1000)
                """
            #expect(try await server.post("/api/v1/import/prometheus", body: body).status == 204)
            let script = """
                import datetime, json
                from prometheus_api_client import PrometheusConnect
                prom = PrometheusConnect(url=URL, disable_ssl=True)
                instant = prom.custom_query("sum(py_items)")
                end = datetime.datetime.now()
                ranged = prom.custom_query_range("sum(py_items)", start_time=end - datetime.timedelta(minutes=5), end_time=end, step="15s")
                print(json.dumps({"instant": instant, "range": ranged}))
                """
            let output = try await Command.run("/usr/bin/env", ["python3", "-c", "URL = '\(server.baseURL)'\n" + script])
            let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            let instant = try #require(result["instant"] as? [[String: Any]])
            #expect(instant.count == 1)
            #expect((instant.first?["value"] as? [Any])?.last as? String == "9")
            let ranged = try #require(result["range"] as? [[String: Any]])
            let values = try #require(ranged.first?["values"] as? [[Any]])
            #expect(values.count >= 2)
            #expect(values.last?.last as? String == "9")
        }
    }
}
