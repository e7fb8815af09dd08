import Foundation
import OspreyModel
import OspreyTestSupport
import Testing

/// Label values are bytes through the whole server: a value with a NUL and a value Swift calls
/// equal to another (`é` as one code point and as `e` with a combining accent) are pushed, queried,
/// aggregated and listed as themselves, before and after a restart, and new series still go in.
@Suite struct LabelBytesTests {
    static let composed = "\u{E9}"
    static let decomposed = "e\u{301}"

    /// The `data.result` of a query API answer.
    private static func result(_ reply: TestServer.Reply) throws -> [[String: Any]] {
        guard reply.status == 200, let json = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any]
        else { throw TestFailure("query failed: \(reply.status) \(reply.body)") }
        return data["result"] as? [[String: Any]] ?? []
    }

    private static func query(_ server: TestServer, _ query: String) async throws -> [[String: Any]] {
        try result(try await server.get("/api/v1/query?query=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")))
    }

    /// The bytes of label `name` in each series of a result.
    private static func values(_ result: [[String: Any]], _ name: String) -> Set<[UInt8]> {
        Set(result.compactMap { ($0["metric"] as? [String: String])?[name].map { Array($0.utf8) } })
    }

    private func check(_ server: TestServer, _ stage: String) async throws {
        let both: Set<[UInt8]> = [Array(Self.composed.utf8), Array(Self.decomposed.utf8)]
        #expect(Self.values(try await Self.query(server, "accent"), "v") == both, "\(stage)")
        let groups = try await Self.query(server, "count by (v) (accent)")
        #expect(groups.count == 2 && Self.values(groups, "v") == both, "\(stage): \(groups)")
        let overTime = try await Self.query(server, "count_over_time(accent[10m])")
        #expect(Self.values(overTime, "v") == both, "\(stage): \(overTime)")
        let names = try await server.get("/api/v1/label/v/values")
        let listed = try JSONSerialization.jsonObject(with: Data(names.body.utf8)) as? [String: Any]
        #expect(Set((listed?["data"] as? [String] ?? []).map { Array($0.utf8) }) == both, "\(stage): \(names.body)")
        #expect(Self.values(try await Self.query(server, "nul_test"), "l") == [Array("x\u{0}y".utf8)], "\(stage)")
    }

    @Test func valuesKeepTheirBytesThroughPushQueryAggregationAndRestart() async throws {
        let folder = try TemporaryFolder()
        try await TestServer.with(folder: folder) { server in
            let first = try await server.post(
                "/api/v1/import/prometheus",
                body: "accent{v=\"\(Self.composed)\"} 1\naccent{v=\"\(Self.decomposed)\"} 2\nnul_test{l=\"x\u{0}y\"} 1\n")
            #expect(first.status == 204, "\(first.body)")
            #expect(try await server.post("/api/v1/import/prometheus", body: "other{l=\"x\"} 1\n").status == 204)
            try await check(server, "before the restart")
        }
        try await TestServer.with(folder: folder) { server in
            try await check(server, "after the restart")
            for number in 0..<3 {
                let pushed = try await server.post("/api/v1/import/prometheus", body: "after_restart{n=\"\(number)\"} 1\n")
                #expect(pushed.status == 204, "a new series after the restart: \(pushed.body)")
            }
            #expect(try await Self.query(server, "after_restart").count == 3)
        }
    }
}
