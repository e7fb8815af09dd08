import Crypto
import NIOSSL
import OspreyGoCompat
import OspreyModel
import X509

/// What a TLS handshake showed of the server, reported with blackbox exporter's TLS metrics by
/// both the http and the tcp prober.
struct TLSPeerFacts: Sendable, Hashable {
    /// Go's names (`TLS 1.3`), which blackbox puts in the `version` label.
    var version: String
    /// The earliest `notAfter` among the certificates the server presented, in Unix seconds.
    var earliestExpiry: Double?
    /// The earliest `notAfter` of the chain that was verified, in Unix seconds; Go's zero time
    /// when nothing was verified (`insecure_skip_verify`), as blackbox reports it then.
    var lastChainExpiry: Double
    var leaf: Leaf?

    /// The server's own certificate, as `probe_ssl_last_chain_info` labels it.
    struct Leaf: Sendable, Hashable {
        var fingerprintSHA256: String
        var subject: String
        var issuer: String
        /// The DNS names among the subject alternative names, joined with commas.
        var dnsNames: String
    }

    /// `time.Time{}.Unix()` in Go: what blackbox reports for an expiry it never found.
    static let goZeroTime: Double = -62_135_596_800

    /// - Parameters:
    ///   - presented: the certificates the server sent, its own first.
    ///   - verified: whether the chain was checked against trusted roots. The verified chain is
    ///     taken to be the presented one, which it is unless the server sends extra certificates.
    init(version: TLSVersion?, presented: [NIOSSLCertificate], verified: Bool) {
        self.version = version.map(Self.name) ?? "unknown"
        let expiries = presented.map { Double($0.notValidAfter) }
        earliestExpiry = expiries.min()
        lastChainExpiry = verified ? expiries.min() ?? Self.goZeroTime : Self.goZeroTime
        leaf = presented.first.flatMap(Self.leaf)
    }

    private static func leaf(_ certificate: NIOSSLCertificate) -> Leaf? {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return nil }
        let names = (try? parsed.extensions.subjectAlternativeNames).flatMap { $0 } ?? SubjectAlternativeNames()
        let dnsNames = names.compactMap { name -> String? in
            if case .dnsName(let dns) = name { return dns }
            return nil
        }
        return Leaf(
            fingerprintSHA256: SHA256.hash(data: der).lowercaseHex,
            subject: GoDistinguishedName.string(parsed.subject), issuer: GoDistinguishedName.string(parsed.issuer),
            dnsNames: dnsNames.joined(separator: ","))
    }

    /// Blackbox's TLS metrics, with its help texts (the same for the http and tcp probers).
    var metrics: [ProbeMetric] {
        var metrics: [ProbeMetric] = []
        if let earliestExpiry {
            metrics.append(
                ProbeMetric(name: "probe_ssl_earliest_cert_expiry", value: earliestExpiry, help: "Returns last SSL chain expiry in unixtime"))
        }
        metrics.append(
            ProbeMetric(
                name: "probe_ssl_last_chain_expiry_timestamp_seconds", value: lastChainExpiry,
                help: "Returns last SSL chain expiry in timestamp"))
        if let leaf {
            metrics.append(
                ProbeMetric(
                    name: "probe_ssl_last_chain_info",
                    labels: Labels([
                        "fingerprint_sha256": leaf.fingerprintSHA256, "subject": leaf.subject, "issuer": leaf.issuer,
                        "subjectalternative": leaf.dnsNames,
                    ]),
                    value: 1, help: "Contains SSL leaf certificate information"))
        }
        metrics.append(
            ProbeMetric(
                name: "probe_tls_version_info", labels: Labels(["version": version]), value: 1,
                help: "Returns the TLS version used or NaN when unknown"))
        return metrics
    }

    static func name(_ version: TLSVersion) -> String {
        switch version {
        case .tlsv1: "TLS 1.0"
        case .tlsv11: "TLS 1.1"
        case .tlsv12: "TLS 1.2"
        case .tlsv13: "TLS 1.3"
        }
    }
}
