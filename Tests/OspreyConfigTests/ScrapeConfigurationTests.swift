import Testing

@testable import OspreyConfig

/// `scrape_configs` read as Prometheus reads them: every key, the defaults a job takes from
/// `global`, the mistakes it refuses, and secrets hidden in the config page.
@Suite struct ScrapeConfigurationTests {
    /// The errors a config file gets, one a line, for messages checked as a user reads them.
    private func refusal(_ text: String) throws -> String {
        let errors = try #require(throws: ConfigErrors.self) { try ConfigFile.parse(text, file: "osprey.yml") }
        return errors.description
    }

    @Test func everyKeyOfAJobIsRead() throws {
        let config = try ConfigFile.parse(
            """
            scrape_configs:
              - job_name: node
                scrape_interval: 30s
                scrape_timeout: 20s
                metrics_path: /probe
                scheme: https
                params:
                  module: [http_2xx, icmp]
                static_configs:
                  - targets: [a.example:9100, b.example]
                    labels:
                      env: prod
                file_sd_configs:
                  - files: [targets/*.json, more.yml]
                    refresh_interval: 1m
                honor_labels: true
                honor_timestamps: false
                basic_auth:
                  username: prom
                  password: hunter2
                tls_config:
                  insecure_skip_verify: true
                  ca_file: /etc/ca.pem
                sample_limit: 5000
                body_size_limit: 10MB
                relabel_configs:
                  - source_labels: [__address__]
                    target_label: __param_target
                metric_relabel_configs:
                  - source_labels: [__name__]
                    regex: go_.*
                    action: drop
              - job_name: token
                authorization:
                  type: Token
                  credentials: s3cret
                body_size_limit: 2048
              - job_name: bearer
                bearer_token: abc
            """, file: "osprey.yml")
        let jobs = config.scrapeConfigs
        #expect(jobs.map(\.jobName) == ["node", "token", "bearer"])

        let node = jobs[0]
        #expect(node.scrapeInterval == .seconds(30))
        #expect(node.scrapeTimeout == .seconds(20))
        #expect(node.metricsPath == "/probe")
        #expect(node.scheme == "https")
        #expect(node.params == ["module": ["http_2xx", "icmp"]])
        #expect(node.staticConfigs == [StaticConfiguration(targets: ["a.example:9100", "b.example"], labels: ["env": "prod"])])
        #expect(node.fileSDConfigs == [FileSDConfiguration(files: ["targets/*.json", "more.yml"], refreshInterval: .seconds(60))])
        #expect(node.honorLabels)
        #expect(!node.honorTimestamps)
        #expect(node.basicAuth == BasicAuth(username: "prom", password: "hunter2"))
        #expect(node.authorization == nil)
        #expect(node.tlsConfig == TLSConfiguration(caFile: "/etc/ca.pem", insecureSkipVerify: true))
        #expect(node.sampleLimit == 5000)
        // Prometheus reads sizes in powers of 1024: 10MB is 10 MiB.
        #expect(node.bodySizeLimit == 10 * 1024 * 1024)
        #expect(node.relabelConfigs == [RelabelConfiguration(sourceLabels: ["__address__"], targetLabel: "__param_target")])
        #expect(node.metricRelabelConfigs == [RelabelConfiguration(sourceLabels: ["__name__"], regex: "go_.*", action: .drop)])

        #expect(jobs[1].authorization == Authorization(type: "Token", credentials: "s3cret"))
        #expect(jobs[1].bodySizeLimit == 2048)
        // `bearer_token` is the old spelling of a Bearer `authorization`.
        #expect(jobs[2].authorization == Authorization(type: "Bearer", credentials: "abc"))
    }

    @Test func aJobLeftBareTakesPrometheusDefaultsAndTheGlobalInterval() throws {
        let config = try ConfigFile.parse(
            "global:\n  scrape_interval: 1m\n  scrape_timeout: 40s\nscrape_configs:\n  - job_name: bare\n", file: "osprey.yml")
        let job = try #require(config.scrapeConfigs.first)
        #expect(job.scrapeInterval == .seconds(60))
        #expect(job.scrapeTimeout == .seconds(40))
        #expect(job.metricsPath == "/metrics")
        #expect(job.scheme == "http")
        #expect(job.params.isEmpty)
        #expect(!job.honorLabels)
        #expect(job.honorTimestamps)
        #expect(job.basicAuth == nil && job.authorization == nil)
        #expect(job.sampleLimit == 0 && job.bodySizeLimit == 0)
    }

    @Test func aShortJobIntervalShortensTheGlobalTimeout() throws {
        // The global 10s timeout cannot outlast a 5s job interval; Prometheus takes the interval.
        let config = try ConfigFile.parse(
            "global:\n  scrape_timeout: 10s\nscrape_configs:\n  - job_name: fast\n    scrape_interval: 5s\n", file: "osprey.yml")
        let job = try #require(config.scrapeConfigs.first)
        #expect(job.scrapeInterval == .seconds(5))
        #expect(job.scrapeTimeout == .seconds(5))
    }

    /// A job a user might write wrongly, and what the refusal must say for them to fix it.
    struct Mistake: Sendable, CustomTestStringConvertible {
        var name: String
        /// The job's lines, under `scrape_configs:`.
        var jobs: String
        var messageParts: [String]
        var testDescription: String { name }
    }

    static let mistakes = [
        Mistake(
            name: "unknown key", jobs: "  - job_name: a\n    scrape_intervall: 5s\n",
            messageParts: ["osprey.yml:3:", "unknown key \"scrape_intervall\""]),
        Mistake(name: "missing job_name", jobs: "  - metrics_path: /m\n", messageParts: ["job_name"]),
        Mistake(
            name: "duplicate job_name", jobs: "  - job_name: a\n  - job_name: b\n  - job_name: a\n",
            messageParts: ["job_name \"a\" is used twice"]),
        Mistake(
            name: "timeout over interval", jobs: "  - job_name: a\n    scrape_interval: 10s\n    scrape_timeout: 20s\n",
            messageParts: ["job \"a\"", "scrape_timeout (20s) is greater than scrape_interval (10s)"]),
        Mistake(
            name: "bad scheme", jobs: "  - job_name: a\n    scheme: ftp\n",
            messageParts: ["osprey.yml:3:", "scheme must be http or https, not \"ftp\""]),
        Mistake(
            name: "bearer_token with authorization",
            jobs: "  - job_name: a\n    bearer_token: x\n    authorization:\n      credentials: y\n",
            messageParts: ["at most one of authorization, bearer_token and bearer_token_file"]),
        Mistake(
            name: "target file neither JSON nor YAML", jobs: "  - job_name: a\n    file_sd_configs:\n      - files: [targets.txt]\n",
            messageParts: ["file_sd files must end in .json, .yml or .yaml: targets.txt"]),
    ]

    @Test(arguments: mistakes) func aMistakeIsRefusedWithAMessageThatLocatesIt(_ mistake: Mistake) throws {
        let message = try refusal("scrape_configs:\n" + mistake.jobs)
        for part in mistake.messageParts {
            #expect(message.contains(part), "\(message)")
        }
    }

    @Test func theConfigPageHidesSecrets() throws {
        let config = try ConfigFile.parse(
            """
            scrape_configs:
              - job_name: basic
                basic_auth:
                  username: prom
                  password: hunter2
              - job_name: token
                authorization:
                  credentials: s3cret
              - job_name: bearer
                bearer_token: abc123
            """, file: "osprey.yml")
        let yaml = config.yaml
        for secret in ["hunter2", "s3cret", "abc123"] {
            #expect(!yaml.contains(secret), "\(yaml)")
        }
        #expect(yaml.components(separatedBy: "<secret>").count - 1 == 3, "\(yaml)")
        // What is not secret stays readable, defaults spelled out as Prometheus shows them.
        #expect(yaml.contains("username: prom"), "\(yaml)")
        #expect(yaml.contains("metrics_path: /metrics"), "\(yaml)")
        #expect(yaml.contains("scrape_interval: 15s"), "\(yaml)")
    }
}
