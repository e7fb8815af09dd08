import Foundation

/// Whether a request in a redirect chain may carry the module's credentials. Go's client, under
/// blackbox exporter, stops sending `Authorization`, `Cookie` and the other sensitive headers
/// once a redirect leaves the first URL's host (for one neither that host nor a subdomain of
/// it, ports aside), and does not send them again later in the chain, even back on that host.
/// Osprey withholds the same way everything the module configures: `basic_auth`,
/// `authorization`, and every `headers` entry (their values are treated as secrets, since an
/// API key travels in any header name).
struct HTTPProbeCredentialScope: Sendable {
    /// The first URL's host, lowercased.
    private let origin: String
    /// Set once the chain has left the origin's domain; never cleared.
    private(set) var withheld = false

    init(first url: URL) {
        origin = Self.host(of: url)
    }

    /// Moves to the next hop of the chain.
    mutating func follow(to url: URL) {
        if !withheld, !Self.isDomainOrSubdomain(Self.host(of: url), of: origin) { withheld = true }
    }

    private static func host(of url: URL) -> String {
        var host = (url.host ?? "").lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    /// `sub` is `parent` or ends with `.parent`; an IPv6 address (with `:` or a `%` zone) only
    /// matches itself.
    static func isDomainOrSubdomain(_ sub: String, of parent: String) -> Bool {
        if sub == parent { return true }
        if sub.contains(":") || sub.contains("%") || parent.isEmpty { return false }
        return sub.hasSuffix("." + parent)
    }
}
