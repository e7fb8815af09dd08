import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import OspreyConfig
import OspreyFormats
import OspreyGoCompat
import OspreyModel

/// Fetches a job's targets over HTTP as Prometheus does: its `Accept` header (OpenMetrics
/// preferred), gzip, the job's auth and TLS settings, the scrape timeout and the body size limit.
final class ScrapeClient: Sendable {
    private let http: HTTPClient
    private let job: ScrapeConfiguration

    /// What Prometheus 2 sends: OpenMetrics first, then the text format.
    static let accept =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

    /// A fetched body and the format its `Content-Type` names.
    struct Fetched: Sendable {
        var body: [UInt8]
        var format: ExpositionFormat
    }

    init(job: ScrapeConfiguration) throws(ScrapeError) {
        self.job = job
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 10, allowCycles: false), decompression: .enabled(limit: .none))
        if job.scheme == "https" || job.tlsConfig != TLSConfiguration() {
            configuration.tlsConfiguration = try Self.tls(job.tlsConfig)
        }
        // One connection attempt per scrape, as Prometheus makes: the client's own retries would
        // hide a refused port or a certificate it does not trust behind "scrape timed out".
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    /// The target's page, within its scrape timeout: the whole exchange, body included, is
    /// abandoned when the timeout passes, as Prometheus abandons it.
    func fetch(_ target: ScrapeTarget) async throws(ScrapeError) -> Fetched {
        do {
            return try await withThrowingTaskGroup(of: Fetched?.self) { group in
                group.addTask { try await self.fetchUntimed(target) }
                group.addTask {
                    try await Task.sleep(for: target.timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let fetched = first else {
                    throw ScrapeError.timeout("scrape timed out after \(target.timeout.prometheusString)")
                }
                return fetched
            }
        } catch let error as ScrapeError {
            throw error
        } catch {
            throw .connection("\(error)")
        }
    }

    private func fetchUntimed(_ target: ScrapeTarget) async throws(ScrapeError) -> Fetched {
        var request = HTTPClientRequest(url: target.url)
        request.headers.add(name: "Accept", value: Self.accept)
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        request.headers.add(name: "User-Agent", value: "Osprey")
        request.headers.add(name: "X-Prometheus-Scrape-Timeout-Seconds", value: target.timeout.seconds.goFixedString)
        if let header = try authorizationHeader() { request.headers.add(name: "Authorization", value: header) }
        let limit = job.bodySizeLimit > 0 ? job.bodySizeLimit : Int.max
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(target.timeout.nanoseconds))
            guard response.status == .ok else {
                throw ScrapeError.status("server returned HTTP status \(response.status.code) \(response.status.reasonPhrase)")
            }
            var body: [UInt8] = []
            for try await part in response.body {
                guard body.count + part.readableBytes <= limit else {
                    throw ScrapeError.bodyTooLarge("body size limit exceeded (body_size_limit: \(job.bodySizeLimit) bytes)")
                }
                body.append(contentsOf: part.readableBytesView)
            }
            let contentType = response.headers.first(name: "Content-Type") ?? ""
            return Fetched(body: body, format: contentType.hasPrefix("application/openmetrics-text") ? .openMetrics : .text)
        } catch let error as ScrapeError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw .timeout("scrape timed out after \(target.timeout.prometheusString)")
        } catch {
            throw .connection("\(error)")
        }
    }

    /// Read at every scrape, as Prometheus reads secret files, so a rotated token is picked up.
    private func authorizationHeader() throws(ScrapeError) -> String? {
        if let basic = job.basicAuth {
            let password = try Self.secret(inline: basic.password, file: basic.passwordFile)
            return "Basic " + Data("\(basic.username):\(password)".utf8).base64EncodedString()
        }
        if let authorization = job.authorization {
            let credentials = try Self.secret(inline: authorization.credentials, file: authorization.credentialsFile)
            return "\(authorization.type) \(credentials)"
        }
        return nil
    }

    /// A secret written inline, or read from its file; empty when neither is set.
    private static func secret(inline: String?, file: String?) throws(ScrapeError) -> String {
        if let inline { return inline }
        guard let path = file else { return "" }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("cannot read secret file \(path)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func tls(_ config: OspreyConfig.TLSConfiguration) throws(ScrapeError) -> NIOSSL.TLSConfiguration {
        var tls = NIOSSL.TLSConfiguration.makeClientConfiguration()
        do {
            if let caFile = config.caFile {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            }
            if let certFile = config.certFile, let keyFile = config.keyFile {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            }
        } catch {
            throw .configuration("tls_config: \(error)")
        }
        if config.insecureSkipVerify { tls.certificateVerification = .none }
        return tls
    }
}
