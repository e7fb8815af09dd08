import Foundation
import OspreyConfig

/// A secret or URL file named in the config that could not be read when a notification was built.
public struct NotificationCredentialsError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot read \(path): \(reason)" }
}

/// Reads the files the config points at, fresh for every notification so rotated secrets apply.
enum NotificationCredentials {
    /// The file's text without surrounding whitespace, as Prometheus reads secret files.
    static func read(_ path: String) throws(NotificationCredentialsError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw NotificationCredentialsError(path: path, reason: error.localizedDescription)
        }
    }

    /// The `Authorization` header value for the config's credentials, or nil without any.
    static func authorizationHeader(
        authorization: Authorization?, basicAuth: BasicAuth?
    ) throws(NotificationCredentialsError) -> String? {
        if let basicAuth {
            let password =
                try basicAuth.passwordFile.map { (path) throws(NotificationCredentialsError) in try read(path) }
                ?? basicAuth.password ?? ""
            return "Basic " + Data("\(basicAuth.username):\(password)".utf8).base64EncodedString()
        }
        if let authorization {
            let credentials =
                try authorization.credentialsFile.map { (path) throws(NotificationCredentialsError) in try read(path) }
                ?? authorization.credentials ?? ""
            return "\(authorization.type) \(credentials)"
        }
        return nil
    }

    /// Content type, user agent and any `Authorization` header for a JSON POST.
    static func headers(
        userAgent: String, authorization: Authorization?, basicAuth: BasicAuth?
    ) throws(NotificationCredentialsError) -> [String: String] {
        var headers = ["Content-Type": "application/json", "User-Agent": userAgent]
        headers["Authorization"] = try authorizationHeader(authorization: authorization, basicAuth: basicAuth)
        return headers
    }
}
