import Foundation

// The HTTP client settings that scrapes, probes, Alertmanager forwarding and webhooks share,
// in Prometheus's common `http_config` shape.

/// `basic_auth`: a username and a password written inline or read from a file.
public struct BasicAuth: Codable, Equatable, Sendable {
    public var username: String
    public var password: String?
    public var passwordFile: String?

    public init(username: String, password: String? = nil, passwordFile: String? = nil) {
        self.username = username
        self.password = password
        self.passwordFile = passwordFile
    }

    enum CodingKeys: String, CodingKey {
        case username, password
        case passwordFile = "password_file"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        username = try container.decodeIfPresent(String.self, forKey: .username) ?? ""
        password = try container.decodeIfPresent(String.self, forKey: .password)
        passwordFile = try container.decodeIfPresent(String.self, forKey: .passwordFile)
        if password != nil, passwordFile != nil {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "at most one of password and password_file may be set"))
        }
    }

    /// Shown as `<secret>`, as Prometheus shows secrets in its config page.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(username, forKey: .username)
        if password != nil { try container.encode("<secret>", forKey: .password) }
        try container.encodeIfPresent(passwordFile, forKey: .passwordFile)
    }
}

/// `authorization`: the `Authorization` header's type (default `Bearer`) and credentials,
/// inline or from a file. `bearer_token` and `bearer_token_file` are read into this.
public struct Authorization: Codable, Equatable, Sendable {
    public var type: String
    public var credentials: String?
    public var credentialsFile: String?

    public init(type: String = "Bearer", credentials: String? = nil, credentialsFile: String? = nil) {
        self.type = type
        self.credentials = credentials
        self.credentialsFile = credentialsFile
    }

    enum CodingKeys: String, CodingKey {
        case type, credentials
        case credentialsFile = "credentials_file"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "Bearer"
        credentials = try container.decodeIfPresent(String.self, forKey: .credentials)
        credentialsFile = try container.decodeIfPresent(String.self, forKey: .credentialsFile)
        var problems: [String] = []
        if credentials != nil, credentialsFile != nil { problems.append("at most one of credentials and credentials_file may be set") }
        if type.lowercased() == "basic" { problems.append("authorization type Basic is not allowed: use basic_auth") }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    /// Shown as `<secret>`, as Prometheus shows secrets in its config page.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        if credentials != nil { try container.encode("<secret>", forKey: .credentials) }
        try container.encodeIfPresent(credentialsFile, forKey: .credentialsFile)
    }
}

/// `tls_config` for https targets.
public struct TLSConfiguration: Codable, Equatable, Sendable {
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var serverName: String?
    public var insecureSkipVerify: Bool

    public init(
        caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, serverName: String? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
    }

    enum CodingKeys: String, CodingKey {
        case caFile = "ca_file"
        case certFile = "cert_file"
        case keyFile = "key_file"
        case serverName = "server_name"
        case insecureSkipVerify = "insecure_skip_verify"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
        certFile = try container.decodeIfPresent(String.self, forKey: .certFile)
        keyFile = try container.decodeIfPresent(String.self, forKey: .keyFile)
        serverName = try container.decodeIfPresent(String.self, forKey: .serverName)
        insecureSkipVerify = try container.decodeIfPresent(Bool.self, forKey: .insecureSkipVerify) ?? false
        if (certFile == nil) != (keyFile == nil) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "cert_file and key_file must be set together"))
        }
    }
}
