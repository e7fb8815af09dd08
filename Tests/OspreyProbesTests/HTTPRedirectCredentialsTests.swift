import Foundation
import OspreyConfig
import OspreyModel
import Testing

@testable import OspreyProbes

/// What an http probe sends on each hop of a redirect chain, seen by real servers on two
/// loopback hosts: the module's credentials and headers stop at the first hop to another host
/// and stay stopped for the rest of the chain, as Go's client (under blackbox exporter) keeps
/// `Authorization` and cookies from other hosts.
@Suite struct HTTPRedirectCredentialsTests {
    private static let bearer = HTTPProbeConfiguration(
        headers: ["X-Api-Key": "key-123", "Cookie": "session=abc"],
        authorization: Authorization(credentials: "token-456"), preferredIPProtocol: .ip4)

    @Test func credentialsAndHeadersDoNotFollowARedirectToAnotherHost() async throws {
        let hosts = try await RedirectingHosts.start()
        defer { hosts.stop() }
        let result = await HTTPProber(Self.bearer, timeout: generousProbeTimeout).probe(hosts.origin + "/away")
        #expect(result.success, "\(result.failure ?? "")")
        let first = try #require(hosts.hop(to: "/away", on: "127.0.0.1"))
        #expect(first.headers["authorization"] == "Bearer token-456")
        #expect(first.headers["x-api-key"] == "key-123")
        #expect(first.headers["cookie"] == "session=abc")
        let landed = try #require(hosts.hop(to: "/landing", on: "127.0.0.2"), "the redirect was followed")
        #expect(landed.headers["authorization"] == nil, "\(landed.headers)")
        #expect(landed.headers["x-api-key"] == nil, "\(landed.headers)")
        #expect(landed.headers["cookie"] == nil, "\(landed.headers)")
        #expect(landed.headers["user-agent"] == "Osprey", "what is not the module's own still goes")
        #expect(result.steps.contains { $0.contains("not sending the module's credentials") }, "\(result.steps)")
    }

    @Test func basicAuthDoesNotFollowARedirectToAnotherHostButStaysOnTheSameOne() async throws {
        let hosts = try await RedirectingHosts.start()
        defer { hosts.stop() }
        let config = HTTPProbeConfiguration(basicAuth: BasicAuth(username: "probe", password: "hunter2"), preferredIPProtocol: .ip4)
        let away = await HTTPProber(config, timeout: generousProbeTimeout).probe(hosts.origin + "/away")
        #expect(away.success, "\(away.failure ?? "")")
        let basic = "Basic " + [UInt8]("probe:hunter2".utf8).base64
        #expect(hosts.hop(to: "/away", on: "127.0.0.1")?.headers["authorization"] == basic)
        let landed = try #require(hosts.hop(to: "/landing", on: "127.0.0.2"))
        #expect(landed.headers["authorization"] == nil, "\(landed.headers)")

        let here = await HTTPProber(config, timeout: generousProbeTimeout).probe(hosts.origin + "/here")
        #expect(here.success, "\(here.failure ?? "")")
        #expect(hosts.hop(to: "/final", on: "127.0.0.1")?.headers["authorization"] == basic, "the same host keeps them, as in Go")
    }

    @Test func onceWithheldCredentialsStayWithheldBackOnTheFirstHost() async throws {
        let hosts = try await RedirectingHosts.start()
        defer { hosts.stop() }
        let result = await HTTPProber(Self.bearer, timeout: generousProbeTimeout).probe(hosts.origin + "/away-and-back")
        #expect(result.success, "\(result.failure ?? "")")
        #expect(hosts.hop(to: "/bounce", on: "127.0.0.2")?.headers["authorization"] == nil)
        let back = try #require(hosts.hop(to: "/back", on: "127.0.0.1"), "the chain came back to the first host")
        #expect(back.headers["authorization"] == nil, "\(back.headers)")
        #expect(back.headers["x-api-key"] == nil, "\(back.headers)")
    }

    @Test func aPostRedirectedWith307ToAnotherHostKeepsItsBodyButNotItsCredentials() async throws {
        let hosts = try await RedirectingHosts.start()
        defer { hosts.stop() }
        let config = HTTPProbeConfiguration(
            method: "POST", headers: ["Content-Type": "application/json"], body: "{}",
            authorization: Authorization(credentials: "token-456"), preferredIPProtocol: .ip4)
        let result = await HTTPProber(config, timeout: generousProbeTimeout).probe(hosts.origin + "/post-away")
        #expect(result.success, "\(result.failure ?? "")")
        let landed = try #require(hosts.hop(to: "/landing", on: "127.0.0.2"))
        #expect(landed.method == "POST")
        #expect(landed.headers["authorization"] == nil, "\(landed.headers)")
    }

    /// Go's `isDomainOrSubdomain`: the host itself and its subdomains keep the credentials;
    /// ports do not matter; an IPv6 address matches only itself.
    @Test func sameDomainIsTheHostOrASubdomainOfIt() throws {
        #expect(HTTPProbeCredentialScope.isDomainOrSubdomain("example.com", of: "example.com"))
        #expect(HTTPProbeCredentialScope.isDomainOrSubdomain("api.example.com", of: "example.com"))
        #expect(!HTTPProbeCredentialScope.isDomainOrSubdomain("example.com", of: "api.example.com"))
        #expect(!HTTPProbeCredentialScope.isDomainOrSubdomain("badexample.com", of: "example.com"))
        #expect(!HTTPProbeCredentialScope.isDomainOrSubdomain("127.0.0.2", of: "127.0.0.1"))
        #expect(!HTTPProbeCredentialScope.isDomainOrSubdomain("fe80::1%eth0", of: "1%eth0"))
        func url(_ text: String) throws -> URL { try #require(URL(string: text)) }
        var scope = HTTPProbeCredentialScope(first: try url("http://Example.com:8080/"))
        scope.follow(to: try url("https://example.com/elsewhere"))
        #expect(!scope.withheld, "another port and scheme on the same host")
        scope.follow(to: try url("https://example.org/"))
        #expect(scope.withheld)
        scope.follow(to: try url("https://example.com/"))
        #expect(scope.withheld, "never restored")
    }
}

extension Array where Element == UInt8 {
    fileprivate var base64: String { Data(self).base64EncodedString() }
}
