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
        #expect(
            modules.keys.sorted() == [
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

    // MARK: - Ad-hoc /probe, secrets and built-in modules

    @Test func allowedTargetsAreWholeMatchRegexes() throws {
        let module = try #require(
            try modules(
                """
                modules:
                  internal:
                    prober: http
                    allowed_targets: ['https://[a-z]+\\.example\\.com/.*', 'http://10\\.0\\.0\\.1:8080/health']
                """)["internal"])
        #expect(module.allowedTargets.allows("https://api.example.com/ready"))
        #expect(module.allowedTargets.allows("http://10.0.0.1:8080/health"))
        #expect(!module.allowedTargets.allows("http://10.0.0.1:8080/health/x"), "anchored at the end")
        #expect(!module.allowedTargets.allows("http://evil.test/?https://api.example.com/"), "anchored at the start")
        #expect(!module.allowedTargets.allows("https://api.example.com.evil.test/"))

        let bad = try refusal("modules:\n  m:\n    prober: http\n    allowed_targets: ['a(b']\n")
        #expect(bad.contains("blackbox.yml:4: modules.m.allowed_targets: invalid regular expression \"a(b\""), "\(bad)")
    }

    @Test func aModuleWithCredentialsReachesOnlyItsAllowedTargetsAdHoc() throws {
        let modules = try modules(
            """
            modules:
              open:
                prober: http
              bearer:
                prober: http
                http:
                  bearer_token: t0ken
              keyed:
                prober: http
                http:
                  headers: {X-Api-Key: k3y}
              basic_listed:
                prober: http
                allowed_targets: ['https://status\\.example\\.com/.*']
                http:
                  basic_auth: {username: u, password: p}
              listed:
                prober: tcp
                allowed_targets: ['db\\.internal:5432']
            """)
        let open = try #require(modules["open"])
        #expect(open.credentials.isEmpty)
        #expect(open.adHocRefusal(of: "http://169.254.169.254/", module: "open") == nil, "no credentials, no list: any target")
        let bearer = try #require(modules["bearer"])
        #expect(bearer.credentials == ["authorization"])
        let refusal = try #require(bearer.adHocRefusal(of: "https://example.com/", module: "bearer"))
        #expect(refusal.contains("module \"bearer\" sends credentials (authorization)") && refusal.contains("allowed_targets"))
        #expect(modules["keyed"]?.credentials == ["headers"])
        #expect(modules["keyed"]?.adHocRefusal(of: "https://example.com/", module: "keyed") != nil)
        let listed = try #require(modules["basic_listed"])
        #expect(listed.adHocRefusal(of: "https://status.example.com/health", module: "basic_listed") == nil)
        let elsewhere = try #require(listed.adHocRefusal(of: "https://evil.test/", module: "basic_listed"))
        #expect(elsewhere.contains("target \"https://evil.test/\" is not allowed for module \"basic_listed\""))
        #expect(modules["listed"]?.adHocRefusal(of: "db.internal:5432", module: "listed") == nil)
        #expect(modules["listed"]?.adHocRefusal(of: "127.0.0.1:22", module: "listed") != nil, "a list binds modules without credentials too")
    }

    /// As Prometheus shows its `http_headers`: the status page never shows a configured header
    /// value, nor a password or token anywhere in a probe module.
    @Test func theConfigPageShowsNoProbeSecrets() throws {
        let config = try ConfigFile.parse(
            """
            probe_modules:
              keyed:
                prober: http
                http:
                  headers:
                    Authorization: Bearer header-secret-1
                    X-Api-Key: header-secret-2
              basic:
                prober: http
                allowed_targets: ['https://example\\.com/']
                http:
                  basic_auth: {username: prober, password: password-secret-3}
              bearer:
                prober: http
                http:
                  bearer_token: token-secret-4
            """, file: "osprey.yml")
        let yaml = config.yaml
        for secret in ["header-secret-1", "header-secret-2", "password-secret-3", "token-secret-4"] {
            #expect(!yaml.contains(secret), "\(yaml)")
        }
        #expect(yaml.contains("X-Api-Key: <secret>"), "header names stay readable: \(yaml)")
        #expect(yaml.contains("username: prober"), "\(yaml)")
        #expect(yaml.contains("allowed_targets"), "\(yaml)")
    }

    /// Blackbox exporter's own `blackbox.yml`, but for its grpc modules (Osprey has no grpc
    /// prober): every module is built in, equal to what the file says.
    @Test func blackboxDefaultModulesAreBuiltIn() throws {
        let file = try modules(
            """
            modules:
              http_2xx:
                prober: http
              http_post_2xx:
                prober: http
                http:
                  method: POST
              tcp_connect:
                prober: tcp
              pop3s_banner:
                prober: tcp
                tcp:
                  query_response:
                  - expect: "^+OK"
                  tls: true
                  tls_config:
                    insecure_skip_verify: false
              ssh_banner:
                prober: tcp
                tcp:
                  query_response:
                  - expect: "^SSH-2.0-"
                  - send: "SSH-2.0-blackbox-ssh-check"
              irc_banner:
                prober: tcp
                tcp:
                  query_response:
                  - send: "NICK prober"
                  - send: "USER prober prober prober :prober"
                  - expect: "PING :([^ ]+)"
                    send: "PONG ${1}"
                  - expect: "^:[^ ]+ 001"
              icmp:
                prober: icmp
              icmp_ttl5:
                prober: icmp
                timeout: 5s
                icmp:
                  ttl: 5
            """)
        #expect(BuiltInProbeModules.modules == file)
    }

    @Test func probeJobsUseBuiltInModulesAndConfiguredOnesReplaceThem() throws {
        let config = try ConfigFile.parse(
            """
            probe_modules:
              tcp_connect:
                prober: tcp
                timeout: 3s
            probes:
              - job_name: web
                module: http_2xx
                targets: [example.com]
              - job_name: db
                module: tcp_connect
                targets: [db:5432]
            """, file: "osprey.yml")
        #expect(config.probeModule(named: "http_2xx") == BuiltInProbeModules.modules["http_2xx"])
        #expect(config.probeModule(named: "tcp_connect")?.timeout == .seconds(3))
        #expect(config.probeModule(named: "nope") == nil)
        #expect(!config.yaml.contains("http_post_2xx"), "the config page shows what was written")

        let missing = try #require(throws: ConfigErrors.self) {
            try ConfigFile.parse("probes:\n  - job_name: web\n    module: http_3xx\n    targets: [example.com]\n", file: "osprey.yml")
        }
        #expect(missing.description.contains("module \"http_3xx\" is not in probe_modules"), "\(missing)")
    }
}
