import Testing

@testable import OspreyConfig

/// Blackbox exporter module files read as blackbox reads them: its documented example modules,
/// the defaults of the http block, and the mistakes it refuses.
@Suite struct ProbeConfigurationTests {
    private func modules(_ text: String) throws -> [String: ProbeModuleConfiguration] {
        try StrictYAMLDecoder().decode(ProbeModulesFile.self, from: text, file: "blackbox.yml").modules
    }

    private func refusal(_ text: String) throws -> String {
        let errors = try #require(throws: ConfigErrors.self) {
            try StrictYAMLDecoder().decode(ProbeModulesFile.self, from: text, file: "blackbox.yml")
        }
        return errors.description
    }

    @Test func blackboxExampleModulesDecode() throws {
        let modules = try modules(
            """
            modules:
              http_2xx:
                prober: http
                timeout: 5s
                http:
                  preferred_ip_protocol: "ip4"
              http_post_2xx:
                prober: http
                http:
                  method: POST
                  headers:
                    Content-Type: application/json
                  body: '{}'
              http_basic_auth_example:
                prober: http
                timeout: 5s
                http:
                  method: POST
                  headers:
                    Host: "login.example.com"
                  basic_auth:
                    username: "username"
                    password: "mysecret"
              http_2xx_example:
                prober: http
                timeout: 5s
                http:
                  valid_http_versions: ["HTTP/1.1", "HTTP/2.0"]
                  valid_status_codes: []
                  method: GET
                  headers:
                    Host: vhost.example.com
                    Accept-Language: en-US
                    Origin: example.com
                  no_follow_redirects: false
                  fail_if_ssl: false
                  fail_if_not_ssl: false
                  fail_if_body_matches_regexp:
                    - "Could not connect to database"
                  fail_if_body_not_matches_regexp:
                    - "Download the latest version here"
                  fail_if_header_matches:
                    - header: Set-Cookie
                      allow_missing: true
                      regexp: '.*'
                  fail_if_header_not_matches:
                    - header: Access-Control-Allow-Origin
                      regexp: '(\\*|example\\.com)'
                  tls_config:
                    insecure_skip_verify: false
                  preferred_ip_protocol: "ip4"
                  ip_protocol_fallback: false
              tcp_connect:
                prober: tcp
              icmp:
                prober: icmp
              dns_example:
                prober: dns
            """)
        #expect(modules.keys.sorted() == [
            "dns_example", "http_2xx", "http_2xx_example", "http_basic_auth_example", "http_post_2xx", "icmp", "tcp_connect",
        ])
        let http2xx = try #require(modules["http_2xx"])
        #expect(http2xx.prober == .http)
        #expect(http2xx.timeout == .seconds(5))
        #expect(http2xx.http?.preferredIPProtocol == .ip4)

        let post = try #require(modules["http_post_2xx"]?.http)
        #expect(post.method == "POST")
        #expect(post.body == "{}")
        #expect(post.headers == ["Content-Type": "application/json"])
        #expect(modules["http_post_2xx"]?.timeout == nil)

        #expect(modules["http_basic_auth_example"]?.http?.basicAuth == BasicAuth(username: "username", password: "mysecret"))

        let full = try #require(modules["http_2xx_example"]?.http)
        #expect(full.validHTTPVersions == ["HTTP/1.1", "HTTP/2.0"])
        #expect(full.followRedirects)
        #expect(full.failIfBodyMatchesRegexp == ["Could not connect to database"])
        #expect(full.failIfHeaderMatches == [ProbeHeaderMatch(header: "Set-Cookie", regexp: ".*", allowMissing: true)])
        #expect(full.failIfHeaderNotMatches.first?.regexp == "(\\*|example\\.com)")
        #expect(!full.ipProtocolFallback)

        #expect(modules["tcp_connect"]?.prober == .tcp)
        #expect(modules["icmp"]?.prober == .icmp)
        #expect(modules["dns_example"]?.prober == .dns)
    }

    @Test func httpDefaultsAreBlackboxDefaults() throws {
        let http = try #require(try modules("modules:\n  m:\n    prober: http\n    http: {}\n")["m"]?.http)
        #expect(http == HTTPProbeConfiguration())
        #expect(http.method == "GET")
        #expect(http.followRedirects)
        #expect(http.preferredIPProtocol == .ip6)
        #expect(http.ipProtocolFallback)
        #expect(http.isValidStatus(204))
        #expect(!http.isValidStatus(302))
        #expect(HTTPProbeConfiguration(validStatusCodes: [302]).isValidStatus(302))
    }

    @Test func inlineHTTPClientKeysAreRead() throws {
        let http = try #require(
            try modules(
                """
                modules:
                  m:
                    prober: http
                    http:
                      bearer_token: abc
                      follow_redirects: false
                      enable_http2: false
                      body_size_limit: 1MB
                """)["m"]?.http)
        #expect(http.authorization == Authorization(type: "Bearer", credentials: "abc"))
        #expect(!http.followRedirects)
        #expect(!http.enableHTTP2)
        #expect(http.bodySizeLimit == 1 << 20)
    }

    @Test func mistakesAreNamed() throws {
        let unknownProber = try refusal("modules:\n  m:\n    prober: smtp\n")
        #expect(unknownProber.contains("unknown prober \"smtp\""))

        let missingProber = try refusal("modules:\n  m:\n    timeout: 5s\n")
        #expect(missingProber.contains("prober"))

        let unknownKey = try refusal("modules:\n  m:\n    prober: http\n    http:\n      metod: GET\n")
        #expect(unknownKey.contains("unknown key \"metod\""))

        let badRegex = try refusal("modules:\n  m:\n    prober: http\n    http:\n      fail_if_body_matches_regexp: ['a(b']\n")
        #expect(badRegex.contains("invalid regular expression \"a(b\""))

        let badHeaderRegex = try refusal(
            "modules:\n  m:\n    prober: http\n    http:\n      fail_if_header_matches: [{header: X, regexp: '(?<=a)b'}]\n")
        #expect(badHeaderRegex.contains("invalid regular expression"))

        let badProtocol = try refusal("modules:\n  m:\n    prober: http\n    http:\n      preferred_ip_protocol: ip5\n")
        #expect(badProtocol.contains("preferred_ip_protocol must be ip4 or ip6, not \"ip5\""))

        let badCode = try refusal("modules:\n  m:\n    prober: http\n    http:\n      valid_status_codes: [2000]\n")
        #expect(badCode.contains("2000 is not an HTTP status code"))

        let badVersion = try refusal("modules:\n  m:\n    prober: http\n    http:\n      valid_http_versions: [HTTP/1.2]\n")
        #expect(badVersion.contains("\"HTTP/1.2\" is not one of"))

        let bothSSL = try refusal("modules:\n  m:\n    prober: http\n    http:\n      fail_if_ssl: true\n      fail_if_not_ssl: true\n")
        #expect(bothSSL.contains("fail_if_ssl and fail_if_not_ssl cannot both be true"))

        let badTimeout = try refusal("modules:\n  m:\n    prober: http\n    timeout: soon\n")
        #expect(badTimeout.contains("timeout"))
    }

    @Test func probeJobsTakeTheGlobalIntervalUnlessWritten() throws {
        let jobs = try StrictYAMLDecoder().decode(
            [ProbeJobConfiguration].self,
            from: """
                - job_name: web
                  module: http_2xx
                  targets: [example.com, https://example.org/health]
                  labels:
                    team: web
                - job_name: fast
                  module: http_2xx
                  interval: 5s
                  targets: [example.com]
                """, file: "osprey.yml")
        let global = GlobalConfiguration(scrapeInterval: .seconds(30))
        let web = jobs[0].resolved(with: global)
        #expect(web.interval == .seconds(30))
        #expect(web.targets == ["example.com", "https://example.org/health"])
        #expect(web.labels == ["team": "web"])
        #expect(web.timeout(for: ProbeModuleConfiguration(prober: .http)) == .milliseconds(9500))
        #expect(web.timeout(for: ProbeModuleConfiguration(prober: .http, timeout: .seconds(2))) == .seconds(2))
        let fast = jobs[1].resolved(with: global)
        #expect(fast.interval == .seconds(5))
        #expect(fast.timeout(for: ProbeModuleConfiguration(prober: .http)) == .seconds(5))
    }

    @Test func probeJobMistakesAreNamed() throws {
        let errors = try #require(throws: ConfigErrors.self) {
            try StrictYAMLDecoder().decode(
                [ProbeJobConfiguration].self,
                from: "- job_name: web\n  module: m\n  interval: 0s\n  labels: {\"bad-name\": x}\n", file: "osprey.yml")
        }
        #expect(errors.description.contains("interval must be greater than 0s"))
        #expect(errors.description.contains("\"bad-name\" is not a valid label name"))
    }

    @Test func probesAreAListOfJobsOrAMappingWithTheirBound() throws {
        func decode(_ probes: String) throws -> OspreyConfiguration {
            try StrictYAMLDecoder().decode(
                OspreyConfiguration.self, from: "probe_modules:\n  http_2xx:\n    prober: http\nprobes:\n" + probes, file: "osprey.yml")
        }
        let list = try decode("  - job_name: web\n    module: http_2xx\n    targets: [example.com]\n")
        #expect(list.probes.jobs.map(\.jobName) == ["web"])
        #expect(list.probes.maxConcurrent == ProbesConfiguration.defaultMaxConcurrent)

        let mapping = try decode("  max_concurrent: 3\n  jobs:\n    - job_name: web\n      module: http_2xx\n      targets: [example.com]\n")
        #expect(mapping.probes.jobs.map(\.jobName) == ["web"])
        #expect(mapping.probes.maxConcurrent == 3)

        let zero = try #require(throws: ConfigErrors.self) { try decode("  max_concurrent: 0\n") }
        #expect(zero.description.contains("osprey.yml:5: probes: max_concurrent must be at least 1"), "\(zero)")
        let misspelt = try #require(throws: ConfigErrors.self) { try decode("  job: []\n") }
        #expect(misspelt.description.contains("osprey.yml:5: probes: unknown key \"job\""), "\(misspelt)")
        let scalar = try #require(throws: ConfigErrors.self) { try decode("  everything\n") }
        #expect(scalar.description.contains("osprey.yml:5: probes: expected a mapping of keys to values"), "\(scalar)")
    }
}
