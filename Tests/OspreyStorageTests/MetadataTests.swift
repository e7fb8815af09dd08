import OspreyModel
import OspreyTSDB
import Testing

/// What commits say of metric families is kept with the catalog: only once committed, each
/// description once, the newest eight per family, and across a restart.
@Suite struct MetadataTests {
    @Test func committedMetadataIsKeptAndOutlivesARestart() throws {
        try withDataFolder { path in
            var storage = try MetricsStorage(path: path)
            let load = MetricMetadata(type: .gauge, help: "1m load average.")
            var appender = storage.appender()
            appender.updateMetadata(["node_load1": load])
            try appender.append(labelSet("node_load1"), timestamp: recentTime(), value: 0.5)
            try appender.commit()

            var refused = storage.appender()
            refused.updateMetadata(["refused_total": MetricMetadata(type: .counter)])
            try refused.append(labelSet("refused_total"), timestamp: recentTime(), value: 1)
            refused.rollback()
            try refused.commit()
            #expect(storage.metadata() == ["node_load1": [load]])

            for version in 1...10 {
                var appender = storage.appender()
                appender.updateMetadata(["jobs_total": MetricMetadata(type: .counter, help: "Jobs, version \(version).")])
                appender.updateMetadata(["node_load1": load])
                try appender.commit()
            }
            let jobs = try #require(storage.metadata()["jobs_total"])
            #expect(jobs.map(\.help) == (3...10).map { "Jobs, version \($0)." })
            #expect(storage.metadata()["node_load1"] == [load], "a description already known is not added twice")

            // One seen again is the last seen.
            var again = storage.appender()
            again.updateMetadata(["jobs_total": MetricMetadata(type: .counter, help: "Jobs, version 5.")])
            try again.commit()
            #expect(storage.metadata()["jobs_total"]?.last?.help == "Jobs, version 5.")
            #expect(storage.metadata()["jobs_total"]?.count == 8)

            // HELP and TYPE given apart in one commit (a body read in parts) make one description.
            var parts = storage.appender()
            parts.updateMetadata(["queue_depth": MetricMetadata(help: "Jobs waiting.")])
            parts.updateMetadata(["queue_depth": MetricMetadata(type: .gauge)])
            try parts.commit()
            #expect(storage.metadata()["queue_depth"] == [MetricMetadata(type: .gauge, help: "Jobs waiting.")])

            try storage.close()
            storage = try MetricsStorage(path: path)
            #expect(storage.metadata()["node_load1"] == [load])
            #expect(Set(storage.metadata()["jobs_total"] ?? []) == Set(jobs))
            try storage.close()
        }
    }
}
