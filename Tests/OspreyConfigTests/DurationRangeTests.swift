import Foundation
import OspreyModel
import Testing

@testable import OspreyConfig

/// Durations in the config end where Prometheus's do (64-bit nanoseconds, about 292 years):
/// longer ones are refused with the key and line, so no time computed from one can overflow.
/// And `storage.max_future`, which bounds how far ahead of the clock a sample may be.
@Suite struct DurationRangeTests {
    @Test(arguments: [
        ("storage:\n  retention: 300y\n", "storage.retention"),
        ("storage:\n  max_future: 106752d\n", "storage.max_future"),
        ("global:\n  scrape_interval: 9223372036854775807ms\n", "global.scrape_interval"),
        ("query:\n  timeout: 99999999999999999999s\n", "query.timeout"),
    ])
    func durationsLongerThanPrometheusAllowsAreRefused(text: String, key: String) throws {
        let errors = try #require(throws: ConfigErrors.self) { try ConfigFile.parse(text, file: "osprey.yml") }
        #expect(errors.errors.map(\.key) == [key])
        #expect(errors.errors.first?.line == 2)
        #expect(errors.errors.first?.message.contains("out of range") == true, "\(errors)")
    }

    @Test func theLongestPrometheusDurationIsAccepted() throws {
        let config = try ConfigFile.parse("storage:\n  retention: 106751d23h47m16s854ms\n  max_future: 292y\n", file: "osprey.yml")
        #expect(config.storage.retention == .longestPrometheus)
        #expect(config.storage.maxFuture == .seconds(292 * 365 * 86_400))
    }

    @Test func maxFutureIsReadAndDefaultsToTenMinutes() throws {
        #expect(try ConfigFile.parse("", file: "osprey.yml").storage.maxFuture == .seconds(600))
        #expect(try ConfigFile.parse("storage:\n  max_future: 1h\n", file: "osprey.yml").storage.maxFuture == .seconds(3600))
        #expect(try ConfigFile.parse("storage:\n  max_future: 0s\n", file: "osprey.yml").storage.maxFuture == .zero)
        let errors = try #require(throws: ConfigErrors.self) { try ConfigFile.parse("storage:\n  max_future: soon\n", file: "osprey.yml") }
        #expect(errors.errors.map(\.key) == ["storage.max_future"])
    }
}
