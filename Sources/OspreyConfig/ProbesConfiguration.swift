/// `probes:`: the probe jobs, and how many probes may run at once across them.
///
/// Written as the list of jobs, or, to change the bound, as a mapping:
///
///     probes:
///       max_concurrent: 16
///       jobs:
///         - job_name: website
///           module: http_2xx
///           targets: [https://example.com]
public struct ProbesConfiguration: Codable, Equatable, Sendable {
    /// Probes in flight at once; a probe waits for a free slot, so a burst of slow targets
    /// holds back only probes beyond the bound.
    public var maxConcurrent: Int
    public var jobs: [ProbeJobConfiguration]

    public static let defaultMaxConcurrent = 64

    public init(maxConcurrent: Int = defaultMaxConcurrent, jobs: [ProbeJobConfiguration] = []) {
        self.maxConcurrent = maxConcurrent
        self.jobs = jobs
    }

    /// Every job's interval as the whole config has it.
    public func resolved(with global: GlobalConfiguration) -> ProbesConfiguration {
        ProbesConfiguration(maxConcurrent: maxConcurrent, jobs: jobs.map { $0.resolved(with: global) })
    }

    enum CodingKeys: String, CodingKey {
        case maxConcurrent = "max_concurrent"
        case jobs
    }

    public init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var jobs: [ProbeJobConfiguration] = []
            while !list.isAtEnd { jobs.append(try list.decode(ProbeJobConfiguration.self)) }
            self.init(jobs: jobs)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let maxConcurrent = try container.decodeIfPresent(Int.self, forKey: .maxConcurrent) ?? Self.defaultMaxConcurrent
        let jobs = try container.decodeIfPresent([ProbeJobConfiguration].self, forKey: .jobs) ?? []
        guard maxConcurrent >= 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "max_concurrent must be at least 1"))
        }
        self.init(maxConcurrent: maxConcurrent, jobs: jobs)
    }
}
