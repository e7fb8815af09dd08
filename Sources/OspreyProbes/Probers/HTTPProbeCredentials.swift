import Foundation
import NIOSSL
import OspreyConfig

/// The module's auth and TLS settings in the HTTP client's terms. Secret files are read at
/// every probe, so a rotated token is picked up without a reload.
enum HTTPProbeCredentials {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    static func header(basicAuth: BasicAuth?, authorization: Authorization?) throws(Unreadable) -> String? {
        if let basicAuth {
            let password = try secret(inline: basicAuth.password, file: basicAuth.passwordFile)
            return "Basic " + Data("\(basicAuth.username):\(password)".utf8).base64EncodedString()
        }
        if let authorization {
            let credentials = try secret(inline: authorization.credentials, file: authorization.credentialsFile)
            return "\(authorization.type) \(credentials)"
        }
        return nil
    }

    private static func secret(inline: String?, file: String?) throws(Unreadable) -> String {
        if let inline { return inline }
        guard let path = file else { return "" }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Unreadable(description: "cannot read secret file \(path)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func tls(_ config: OspreyConfig.TLSConfiguration) throws -> NIOSSL.TLSConfiguration {
        var tls = NIOSSL.TLSConfiguration.makeClientConfiguration()
        if let caFile = config.caFile {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        }
        if let certFile = config.certFile, let keyFile = config.keyFile {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        }
        if config.insecureSkipVerify { tls.certificateVerification = .none }
        return tls
    }
}
